// Command trafilatura extracts a page's article with go-trafilatura, to
// measure what the library adds to a binary.
package main

import (
	"fmt"
	"os"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

func main() {
	doc, err := html.Parse(os.Stdin)
	if err != nil {
		return
	}
	r, err := trafilatura.ExtractDocument(doc, trafilatura.Options{})
	fmt.Println(r != nil, err)
}
