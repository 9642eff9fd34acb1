// Command build writes tag/dist/t.js from tag/src (run by `go generate ./tag`).
package main

import (
	"fmt"
	"os"

	"github.com/baton-hq/baton/tag/internal/tagbuild"
)

func main() {
	js, err := tagbuild.Build("src")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile("dist/t.js", js, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
