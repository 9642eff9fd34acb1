// Package httpx holds the small HTTP conventions every Baton endpoint shares:
// JSON answers, JSON errors that say what is wrong, and bounded bodies.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// ErrorBody is the JSON body of every 4xx/5xx answer.
type ErrorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
	Index *int   `json:"index,omitempty"`
}

// JSON writes v with the status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Error writes {"error": msg}.
func Error(w http.ResponseWriter, status int, msg string) {
	JSON(w, status, ErrorBody{Error: msg})
}

// Unavailable answers 503 with Retry-After, for failures the client should
// retry (storage down): the request was not accepted.
func Unavailable(w http.ResponseWriter, retryAfter time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter.Seconds())))
	Error(w, http.StatusServiceUnavailable, "temporarily unavailable, retry later")
}

// ReadBody reads at most limit bytes; a larger body is an error whose
// status is 413.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, int, error) {
	body, err := readAll(http.MaxBytesReader(w, r.Body, limit), r.ContentLength, limit)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, http.StatusRequestEntityTooLarge, errors.New("request body is larger than " + strconv.FormatInt(limit, 10) + " bytes")
		}
		return nil, http.StatusBadRequest, errors.New("could not read request body")
	}
	return body, 0, nil
}

// readAll is io.ReadAll sized by the declared length (one allocation, not
// a doubling series), up to 64 KB: a client declaring more has to send it
// before it gets more memory. The reader still enforces the limit.
func readAll(rd io.Reader, declared, limit int64) ([]byte, error) {
	if declared <= 0 || declared > limit {
		return io.ReadAll(rd)
	}
	declared = min(declared, 64<<10)
	b := make([]byte, 0, declared+1) // +1: io.ReadAll's EOF check needs no growth
	for {
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			rest, err := io.ReadAll(rd) // longer than declared: the reader decides
			return append(b, rest...), err
		}
	}
}

// BaseURL is where the client reached Baton: configured (BATON_PUBLIC_URL)
// when set, else the scheme (IsHTTPS: X-Forwarded-Proto only from the
// proxies p trusts; on AWS lambdahttp marks the request https) and host of
// the request itself (on AWS the execute-api address), followed by the base
// path the request was served under (BATON_BASE_PATH, see Under).
func BaseURL(configured string, r *http.Request, p Proxies) string {
	if configured != "" {
		return strings.TrimSuffix(configured, "/") + BasePath(r)
	}
	scheme := "http"
	if IsHTTPS(r, p) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + BasePath(r)
}

type basePathKey struct{}

// BasePath is the path prefix the request was served under (see Under): ""
// at the root, else e.g. "/_bt". Handlers see paths without it; what they
// hand back to browsers (URLs, cookie paths) needs it.
func BasePath(r *http.Request) string {
	p, _ := r.Context().Value(basePathKey{}).(string)
	return p
}

// Under serves h under a path prefix (BATON_BASE_PATH, e.g. "/_bt"; "" is
// the root and returns h itself), so Baton can live on a site's own host
// behind its reverse proxy (https://www.example.com/_bt/t.js). h sees the
// path without the prefix, as at the root; BasePath tells it the prefix. A
// request outside the prefix is a 404 (JSON), and a redirect h answers with
// an absolute path ("/demo/", ServeMux's own "add a slash") gets the prefix
// put back in front.
func Under(base string, h http.Handler) http.Handler {
	if base == "" || base == "/" {
		return h
	}
	base = strings.TrimSuffix(base, "/")
	strip := http.StripPrefix(base, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != base && !strings.HasPrefix(r.URL.Path, base+"/") {
			Error(w, http.StatusNotFound, "no such route")
			return
		}
		if r.URL.Path == base { // the prefix itself: its root, as a directory
			u := base + "/"
			if r.URL.RawQuery != "" {
				u += "?" + r.URL.RawQuery
			}
			redirected(w, r, http.StatusMovedPermanently, u)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), basePathKey{}, base))
		strip.ServeHTTP(&prefixedRedirects{ResponseWriter: w, base: base}, r)
	})
}

// prefixedRedirects puts the base path in front of a Location that is an
// absolute path, as the response's header is written.
type prefixedRedirects struct {
	http.ResponseWriter
	base  string
	wrote bool
}

func (p *prefixedRedirects) fix() {
	if p.wrote {
		return
	}
	p.wrote = true
	h := p.ResponseWriter.Header()
	if loc := h.Get("Location"); strings.HasPrefix(loc, "/") { // "//x" too: it stays a path under the prefix

		h.Set("Location", p.base+loc)
	}
}

func (p *prefixedRedirects) WriteHeader(code int) {
	p.fix()
	p.ResponseWriter.WriteHeader(code)
}

func (p *prefixedRedirects) Write(b []byte) (int, error) {
	p.fix()
	return p.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (p *prefixedRedirects) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// Flush passes a flush on (streamed answers).
func (p *prefixedRedirects) Flush() {
	p.fix()
	if f, ok := p.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Values of the security headers, shared by every response: Header.Add
// appends to a full slice, so it copies before it changes one.
var (
	nosniff        = []string{"nosniff"}
	referrerPolicy = []string{"strict-origin-when-cross-origin"}
	frameDeny      = []string{"DENY"}
)

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Canonical keys and shared values: Set would allocate for each.
		hd := w.Header()
		hd["X-Content-Type-Options"] = nosniff
		hd["Referrer-Policy"] = referrerPolicy
		hd["X-Frame-Options"] = frameDeny
		h.ServeHTTP(w, r)
	})
}

// Recover turns a panic into a 500 without leaking its details.
func Recover(log func(msg string, args ...any), h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log("panic serving request", "path", r.URL.Path, "panic", v)
				Error(w, http.StatusInternalServerError, "internal error")
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// Routes serves mux, answering what the mux itself would answer in plain
// text or HTML with Baton's documented answers: a request that matches no
// route gets the JSON error body, 404, or 405 with the Allow header the mux
// computed; a redirect the mux makes (a path not in clean form, "//e" or
// "/admin/people/../", sent to its clean form; a directory's missing slash)
// or a RedirectHandler route makes keeps its status and Location, with a
// JSON body saying where the route is, except to a browser asking for a
// page, which gets the usual link (see redirected).
func Routes(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" && reflect.TypeOf(h) != redirectHandler {
			mux.ServeHTTP(w, r) // ServeHTTP sets the path values Handler does not
			return
		}
		// The mux's own answers (or a redirect route): side-effect free,
		// so run on a recorder and answered here.
		probe := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch {
		case probe.status == http.StatusMethodNotAllowed:
			w.Header().Set("Allow", probe.header.Get("Allow"))
			Error(w, http.StatusMethodNotAllowed, r.Method+" is not allowed here")
		case probe.status/100 == 3 && probe.header.Get("Location") != "":
			redirected(w, r, probe.status, probe.header.Get("Location"))
		default:
			Error(w, http.StatusNotFound, "no such route")
		}
	})
}

// redirectHandler is the type of http.RedirectHandler's handlers, which is
// also what ServeMux.Handler returns for the redirects the mux makes.
var redirectHandler = reflect.TypeOf(http.RedirectHandler("/", http.StatusFound))

// RedirectBody is the JSON body of a redirect answered to an API client.
type RedirectBody struct {
	Error    string `json:"error"`
	Location string `json:"location"`
}

// WantsPage reports whether the client asks for an HTML page (Accept
// starting with text/html: a browser navigating). API clients, and a
// page's fetch, send application/json, */* or nothing.
func WantsPage(r *http.Request) bool {
	for _, a := range r.Header.Values("Accept") {
		if strings.HasPrefix(a, "text/html") {
			return true
		}
	}
	return false
}

// redirected answers status (a 3xx) with Location loc: to a browser asking
// for a page the short HTML link http.Redirect writes, to any other client
// a JSON body saying why and where (RedirectBody), instead of a text body
// or none: a client that does not follow redirects (curl) learns the route
// it should have called, and one that does still arrives. loc as an
// absolute path is the handler's own (Under puts the base path in front
// in the header; the body shows the address the client sees).
func redirected(w http.ResponseWriter, r *http.Request, status int, loc string) {
	loc = escapeLocation(loc)
	w.Header().Set("Location", loc)
	p := r.URL.EscapedPath() // as the client sent it, and as the mux cleans it
	shown, from := loc, BasePath(r)+p
	if strings.HasPrefix(loc, "/") {
		shown = BasePath(r) + loc
	}
	if WantsPage(r) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.WriteHeader(status) // as http.Redirect: a link only for what a browser shows
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, `<a href="`+html.EscapeString(shown)+`">`+http.StatusText(status)+"</a>.\n")
		return
	}
	to, _, _ := strings.Cut(loc, "?")
	var why string
	switch {
	case to == p+"/":
		why = from + " is a directory: the route is " + shown + ", with the slash"
	case p != cleanPath(p):
		why = "the path " + from + " is not in clean form (an empty, . or .. segment): the route is " + shown
	default:
		why = from + " has moved to " + shown
	}
	JSON(w, status, RedirectBody{Error: why, Location: shown})
}

// escapeLocation percent-encodes the bytes a URL may not carry raw (controls,
// space, and anything not ASCII, such as a query's invalid UTF-8 the mux
// copies into its redirect), so the header and the JSON body, which cannot
// hold invalid UTF-8, name the same address.
func escapeLocation(loc string) string {
	const hex = "0123456789ABCDEF"
	var b []byte // nil until a byte needs escaping
	for i := 0; i < len(loc); i++ {
		c := loc[i]
		if c > ' ' && c < 0x7f {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(loc)+8), loc[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return loc
	}
	return string(b)
}

// cleanPath is the clean form ServeMux redirects a path to: path.Clean,
// keeping a trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// statusRecorder keeps only what the mux's own fallback handlers set.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}

// AcceptLanguage returns ja or en, whichever an Accept-Language header
// prefers (by q); en when it names neither. Baton's pages for people (the
// workspace, a tracked link's answer to a reader) speak these two.
func AcceptLanguage(h string) string { return AcceptLanguageOr(h, "en") }

// AcceptLanguageOr is AcceptLanguage with fallback (ja or en) for a header
// that names neither, or none: the other language only when the header
// refuses fallback (q=0) and not it.
func AcceptLanguageOr(h, fallback string) string {
	best, bestQ := "", -1.0
	refused := map[string]bool{}
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if p := strings.TrimSpace(params); len(p) >= 2 && strings.EqualFold(p[:2], "q=") {
			if f, err := strconv.ParseFloat(p[2:], 64); err == nil {
				q = f
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if primary != "ja" && primary != "en" {
			continue
		}
		// q=0 is "not acceptable" (RFC 9110 12.4.2): "fr, ja;q=0" is
		// no Japanese, so English.
		if q <= 0 {
			refused[primary] = true
		} else if q > bestQ {
			best, bestQ = primary, q
		}
	}
	if best != "" {
		return best
	}
	other := map[string]string{"ja": "en", "en": "ja"}[fallback]
	if refused[fallback] && !refused[other] {
		return other
	}
	return fallback
}
