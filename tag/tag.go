// Package tag embeds the built website tag and serves it at /t.js. The
// source is src/tag.js; `go generate ./tag` rebuilds dist/t.js (a test
// fails when it is stale).
//
//go:generate go run ./build
package tag

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

//go:embed dist/t.js
var dist embed.FS

// JS returns the built tag.
func JS() []byte {
	b, err := dist.ReadFile("dist/t.js")
	if err != nil {
		panic("tag: dist/t.js missing from the build: " + err.Error())
	}
	return b
}

// Handler serves the tag with caching headers and a strong ETag, so browsers
// revalidate cheaply and a new release reaches them within the max-age.
func Handler() http.Handler {
	js := JS()
	sum := sha256.Sum256(js)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	mod := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=3600, stale-while-revalidate=86400")
		h.Set("ETag", etag)
		h.Set("Access-Control-Allow-Origin", "*")
		if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		http.ServeContent(w, r, "t.js", mod, bytes.NewReader(js))
	})
}
