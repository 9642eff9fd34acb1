package collect

import (
	"net/http"
	"strings"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/visitor"
)

// OptOutCookie marks a browser that opted out: collect stores nothing for
// it, without a store read on the hot path (nor does click).
const OptOutCookie = visitor.OptOutCookie

// Consent is the server side of privacy controls.
type Consent struct {
	RequiredSites map[string]bool // sites whose events need context.consent = "granted"
	RequiredAll   bool            // every site needs consent
	IgnoreGPC     bool            // do not honour Sec-GPC: 1 (default: honour it)
	Category      string          // Segment's consent object's analytics category ("": event.DefaultConsentCategory)
}

// refused says why nothing may be collected from this browser at all
// (optedOut: it carries the opt-out cookie).
// An opt-out gives way to consent given since: every event granted
// (context.consent, which the tag sends only once the visitor consented
// through the site's consent mode after their opt-out) is the visitor's
// newer choice (regranted).
func (c Consent) refused(r *http.Request, optedOut bool, evs []event.Event) string {
	if optedOut && !regranted(evs) {
		return "opted out"
	}
	if !c.IgnoreGPC && r.Header.Get("Sec-GPC") == "1" {
		return "Global Privacy Control"
	}
	return ""
}

// optedOut reports whether the browser carries the opt-out cookie.
func optedOut(r *http.Request) bool { return visitor.OptedOut(r) }

// regranted reports whether every event carries consent granted.
func regranted(evs []event.Event) bool {
	for _, ev := range evs {
		if ev.Consent != "granted" {
			return false
		}
	}
	return len(evs) > 0
}

// allowed reports whether an event may be stored under the site's consent mode.
func (c Consent) allowed(ev event.Event) bool {
	if ev.Consent == "denied" {
		return false
	}
	if c.RequiredAll || c.RequiredSites[ev.Site] {
		return ev.Consent == "granted"
	}
	return true
}

// maxOptOutBody bounds POST /optout's body: a visitor id (visitor.Valid: at
// most 128 characters; the tag's is about 54).
const maxOptOutBody = 256

// optOut removes the visitor cookie and stops collection for the browser.
// The tag sends its own visitor id as the body (text/plain, sendBeacon's
// for a string): with Baton on another site than the page, the browser
// neither sends bt_vid nor keeps the cookies set here (third-party cookies
// blocked, and SameSite=Lax), and the withdrawal reached nobody. A body that
// is no visitor id is refused (4xx) and withdraws nobody by it.
func (h *Handler) optOut(w http.ResponseWriter, r *http.Request) {
	origin, ok := h.allowedOrigin(r)
	if !ok {
		httpx.Error(w, http.StatusForbidden, "origin not allowed")
		return
	}
	h.cors(w, origin)
	// A body that is no visitor id is answered 4xx, but the browser's own
	// opt-out (its cookie) is recorded all the same: a person who asked to
	// be left alone is, whatever a tag of another version sent.
	var bad string
	status := http.StatusBadRequest
	var vids []string
	if vid, ok := h.Cookie.Read(r); ok {
		vids = append(vids, vid)
	}
	body, st, err := httpx.ReadBody(w, r, maxOptOutBody)
	switch {
	case err != nil:
		bad, status = err.Error(), st
	case len(body) == 0:
	case !contentTypeOK(r, "text/plain"):
		bad, status = "send the visitor id as text/plain (or nothing: the bt_vid cookie names the browser)", http.StatusUnsupportedMediaType
	default:
		// The tag joins its id's numbers with commas, read as dashes as
		// on POST /e, where its events were stored under that id.
		vid := strings.ReplaceAll(string(body), ",", "-")
		switch {
		case !visitor.Browser(vid):
			bad = "the body must be the tag's visitor id (8 to 128 letters, digits, '_', '.', '-')"
		case len(vids) == 0 || vids[0] != vid:
			vids = append(vids, vid)
		}
	}
	// The browser's person, if it is known, withdrew consent: it holds on
	// the paths that name them without this browser (clicks and opens by
	// token, list imports).
	for _, vid := range vids {
		if err := h.People.WithdrawConsent(r.Context(), vid, h.now()); err != nil {
			h.log().Error("opt-out: record the person's withdrawal", "err", err)
		}
	}
	h.Cookie.Clear(w, r)
	http.SetCookie(w, &http.Cookie{Name: OptOutCookie, Value: "1", Path: h.Cookie.CookiePath(), MaxAge: 400 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.Cookie.SecureFor(r), Domain: h.Cookie.DomainFor(r)})
	if bad != "" {
		httpx.Error(w, status, bad+"; the browser's opt-out (its cookie) is recorded all the same")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// optIn lifts a browser's opt-out.
func (h *Handler) optIn(w http.ResponseWriter, r *http.Request) {
	origin, ok := h.allowedOrigin(r)
	if !ok {
		httpx.Error(w, http.StatusForbidden, "origin not allowed")
		return
	}
	h.cors(w, origin)
	h.clearOptOut(w, r)
	w.WriteHeader(http.StatusNoContent)
}

// clearOptOut removes the opt-out cookie.
func (h *Handler) clearOptOut(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: OptOutCookie, Value: "", Path: h.Cookie.CookiePath(), MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Domain: h.Cookie.DomainFor(r)})
}
