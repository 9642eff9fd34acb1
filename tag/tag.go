// Package tag embeds the built website tag and serves it at /t.js. The
// source is src/tag.js; `go generate ./tag` rebuilds dist/t.js (a test
// fails when it is stale).
//
//go:generate go run ./build
package tag

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
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

// Variant is the tag in one content coding, as served.
type Variant struct {
	Encoding string // "br", "gzip" or "identity"
	Body     []byte
	ETag     string // strong, distinct per encoding
}

// Variants returns the tag brotli-compressed, gzipped and as is, in order of
// preference; they are computed once.
var Variants = sync.OnceValue(func() []Variant {
	js := JS()
	sum := sha256.Sum256(js)
	hash := hex.EncodeToString(sum[:8])

	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	mustWrite(bw.Write(js))
	must(bw.Close())

	var gz bytes.Buffer
	gw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	must(err)
	mustWrite(gw.Write(js))
	must(gw.Close())

	return []Variant{
		{Encoding: "br", Body: br.Bytes(), ETag: `"` + hash + `-br"`},
		{Encoding: "gzip", Body: gz.Bytes(), ETag: `"` + hash + `-gzip"`},
		{Encoding: "identity", Body: js, ETag: `"` + hash + `"`},
	}
})

func must(err error) {
	if err != nil {
		panic("tag: compressing the tag: " + err.Error())
	}
}

func mustWrite(_ int, err error) { must(err) }

// Handler serves the tag with caching headers and a strong ETag per content
// coding, so browsers and CloudFront revalidate cheaply and a new release
// reaches them within the max-age. The body is brotli or gzip, precompressed
// at start-up, when the request's Accept-Encoding allows (Vary says so).
func Handler() http.Handler {
	variants := Variants()
	mod := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := choose(variants, r.Header.Values("Accept-Encoding"))
		h := w.Header()
		h.Add("Vary", "Accept-Encoding")
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=3600, stale-while-revalidate=86400")
		h.Set("ETag", v.ETag)
		h.Set("Access-Control-Allow-Origin", "*")
		if v.Encoding != "identity" {
			h.Set("Content-Encoding", v.Encoding)
		}
		// ServeContent answers If-None-Match (304 when it names this
		// variant's ETag), Range and HEAD.
		http.ServeContent(w, r, "t.js", mod, bytes.NewReader(v.Body))
	})
}

// choose picks the variant the Accept-Encoding header values prefer: the
// highest q-value wins, ties go to the earlier variant (br, gzip, identity).
// Without the header, or when nothing listed is acceptable, identity.
func choose(variants []Variant, accept []string) Variant {
	identity := variants[len(variants)-1]
	if len(accept) == 0 {
		return identity
	}
	q := map[string]float64{}
	for _, line := range accept {
		for _, part := range strings.Split(line, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding == "" {
				continue
			}
			if coding == "x-gzip" {
				coding = "gzip"
			}
			weight, ok := qvalue(params)
			if !ok {
				continue
			}
			if old, seen := q[coding]; !seen || weight > old {
				q[coding] = weight
			}
		}
	}
	weight := func(coding string) float64 {
		if w, ok := q[coding]; ok {
			return w
		}
		if w, ok := q["*"]; ok {
			return w
		}
		if coding == "identity" {
			return 0.001 // acceptable unless excluded (RFC 9110, 12.5.3)
		}
		return 0
	}
	best, bestQ := identity, 0.0
	for _, v := range variants {
		if w := weight(v.Encoding); w > bestQ {
			best, bestQ = v, w
		}
	}
	return best
}

// qvalue reads the q parameter of one Accept-Encoding element (1 without
// one); ok is false when it is malformed.
func qvalue(params string) (float64, bool) {
	for _, p := range strings.Split(params, ";") {
		name, val, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || f < 0 || f > 1 {
			return 0, false
		}
		return f, true
	}
	return 1, true
}
