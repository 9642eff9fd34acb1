package click_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestAttack14PrefetchIsNoPersonsClick: a request that says it is a
// prefetch (Sec-Purpose: prefetch, Chrome's speculation rules and
// <link rel=prefetch>; Purpose: prefetch; X-Moz: prefetch; Safari's
// X-Purpose: preview) was made by no reader: it must not be judged human,
// identify the browser, nor score for the recipient as a click would.
func TestAttack14PrefetchIsNoPersonsClick(t *testing.T) {
	for _, hdr := range [][2]string{{"Sec-Purpose", "prefetch"}, {"Purpose", "prefetch"}, {"X-Moz", "prefetch"}, {"X-Purpose", "preview"}} {
		t.Run(hdr[0], func(t *testing.T) {
			e := newEnv(t)
			r := httptest.NewRequest("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", nil)
			r.Header.Set(hdr[0], hdr[1])
			r.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
			w := httptest.NewRecorder()
			e.mux.ServeHTTP(w, r)
			if w.Code != 302 {
				t.Fatalf("status %d", w.Code)
			}
			e.settle(t)
			cs := w.Result().Cookies()
			if len(cs) == 0 {
				return // nothing collected of the prefetch: fine
			}
			for _, ev := range e.events(t, cs[0].Value) {
				if ev.Type == event.EmailClick && ev.Enrichment.Visit == event.VisitHuman {
					t.Errorf("a %s: %s request was judged a human click: %+v", hdr[0], hdr[1], ev.Enrichment)
				}
			}
			l, _ := e.dir.GetLink(context.Background(), cs[0].Value)
			if cur, ok := l.Current(); ok && cur.Person == e.ann.ID {
				t.Errorf("a %s: %s request identified the browser as the recipient", hdr[0], hdr[1])
			}
		})
	}
}
