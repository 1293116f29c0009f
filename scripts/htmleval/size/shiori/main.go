// Command shiori extracts a page's article with go-shiori/go-readability,
// to measure what the library adds to a binary.
package main

import (
	"fmt"
	"os"

	"github.com/go-shiori/go-readability"
	"golang.org/x/net/html"
)

func main() {
	doc, err := html.Parse(os.Stdin)
	if err != nil {
		return
	}
	a, err := readability.FromDocument(doc, nil)
	fmt.Println(a.Node != nil, err)
}
