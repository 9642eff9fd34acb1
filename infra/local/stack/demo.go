package stack

import (
	"html/template"
	"net/http"
	"strings"
	"sync"

	"github.com/baton-hq/baton/internal/enrichment"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
)

// demoEmailCookie carries the contact form's email from its POST to the
// thanks page (never in a URL the tag would record), for an hour.
const demoEmailCookie = "demo_email"

var thanksPage = template.Must(template.ParseFS(demoFiles, "demo/thanks.html"))

// demoThanksPost remembers the form's email and sends the browser to the
// thanks page (relative: right under any address and base path).
func demoThanksPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err == nil {
		if email, err := event.NormalizeEmail(r.PostForm.Get("email")); err == nil {
			http.SetCookie(w, &http.Cookie{Name: demoEmailCookie, Value: email, Path: httpx.BasePath(r) + "/demo/", MaxAge: 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		}
	}
	w.Header().Set("Location", "thanks.html")
	w.WriteHeader(http.StatusSeeOther)
}

// demoThanks links to the sender's page in the workspace, relative to
// the demo so that it is right on whatever address the stack runs.
//
// A browser whose user agent is a bot's (HeadlessChrome: `chromium
// --headless`, Playwright and Puppeteer as they come) is told so: its
// events are stored flagged, its form identified no one, and the link
// found nobody, which nothing else explained.
func demoThanks(w http.ResponseWriter, r *http.Request) {
	var v struct{ Email, Bot string }
	if c, err := r.Cookie(demoEmailCookie); err == nil {
		if email, err := event.NormalizeEmail(c.Value); err == nil && !strings.ContainsAny(email, "\"<>") {
			v.Email = email
		}
	}
	if e := demoEnricher(); e != nil {
		ev := event.Event{Type: event.PageView}
		e.Enrich(enrichment.Request{UserAgent: r.UserAgent(), Method: r.Method}, &ev)
		if ev.Enrichment.Bot {
			v.Bot = r.UserAgent()
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = thanksPage.Execute(w, v)
}

// demoEnricher judges the demo's visitors as the collector does (its
// built-in bot list); nil if it cannot be made.
var demoEnricher = sync.OnceValue(func() *enrichment.Enricher {
	e, err := enrichment.New(enrichment.Config{})
	if err != nil {
		return nil
	}
	return e
})
