// Command readeck extracts a page's article with readeck/go-readability, to
// measure what the library adds to a binary.
package main

import (
	"fmt"
	"os"

	"codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
)

func main() {
	doc, err := html.Parse(os.Stdin)
	if err != nil {
		return
	}
	p := readability.NewParser()
	a, err := p.ParseAndMutate(doc, nil)
	fmt.Println(a.Node != nil, err)
}
