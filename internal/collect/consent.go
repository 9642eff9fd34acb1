package collect

import (
	"net/http"

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

// optOut removes the visitor cookie and stops collection for the browser.
func (h *Handler) optOut(w http.ResponseWriter, r *http.Request) {
	origin, ok := h.allowedOrigin(r)
	if !ok {
		httpx.Error(w, http.StatusForbidden, "origin not allowed")
		return
	}
	h.cors(w, origin)
	// The browser's person, if it is known, withdrew consent: it holds on
	// the paths that name them without this browser (clicks and opens by
	// token, list imports). The browser opts out whatever happens here.
	if vid, ok := h.Cookie.Read(r); ok {
		if err := h.People.WithdrawConsent(r.Context(), vid, h.now()); err != nil {
			h.log().Error("opt-out: record the person's withdrawal", "err", err)
		}
	}
	h.Cookie.Clear(w, r)
	http.SetCookie(w, &http.Cookie{Name: OptOutCookie, Value: "1", Path: h.Cookie.CookiePath(), MaxAge: 400 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.Cookie.SecureFor(r), Domain: h.Cookie.DomainFor(r)})
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
