// Package tagbuild builds the website tag from tag/src with esbuild's Go
// API, so the Go toolchain alone builds it.
package tagbuild

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Build returns the minified tag built from dir/tag.js. The source is one
// self-contained block (its let declarations stay out of the page's
// globals), so it is minified as it is, neither bundled nor wrapped in an
// IIFE (bytes the size budget needs). ES2020 (browsers
// since 2020) keeps optional chaining, which the tag uses for its size.
func Build(dir string) ([]byte, error) {
	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{filepath.Join(dir, "tag.js")},
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		LegalComments:     api.LegalCommentsNone,
		Charset:           api.CharsetUTF8,
		Write:             false,
	})
	if len(res.Errors) > 0 {
		var msgs []string
		for _, m := range res.Errors {
			msgs = append(msgs, m.Text)
		}
		return nil, errors.New("esbuild: " + strings.Join(msgs, "; "))
	}
	if len(res.OutputFiles) != 1 {
		return nil, errors.New("esbuild: expected one output file")
	}
	// Without esbuild's final newline: a character the file holds once
	// costs the gzipped file a Huffman code of its own.
	return bytes.TrimSuffix(res.OutputFiles[0].Contents, []byte("\n")), nil
}
