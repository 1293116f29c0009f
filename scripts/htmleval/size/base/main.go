// Command base parses a page with x/net/html alone: the baseline that the
// other size programs add an extractor to.
package main

import (
	"fmt"
	"os"

	"golang.org/x/net/html"
)

func main() {
	doc, err := html.Parse(os.Stdin)
	fmt.Println(doc != nil, err)
}
