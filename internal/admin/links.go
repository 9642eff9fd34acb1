package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/links"
)

// LinkRegistry registers tracked links; see links.Registry.
type LinkRegistry interface {
	PutCampaign(ctx context.Context, c links.Campaign) (_ links.Campaign, created bool, err error)
	CreateCampaign(ctx context.Context, c links.Campaign) (links.Campaign, error) // ErrExists when the id is taken
	Campaign(ctx context.Context, id string) (links.Campaign, error)
	Add(ctx context.Context, campaign string, urls []string, honeypot bool) ([]links.Link, error)
	Links(ctx context.Context, campaign string) ([]links.Link, error)
	CheckDestinations(urls []string) ([]*url.URL, error)
}

type linksRequest struct {
	Campaign string   `json:"campaign"`
	Name     string   `json:"name"`
	URLs     []string `json:"urls"`
	// SentAt is read apart (sentAt), so that a bad one's 400 names it.
	SentAt   json.RawMessage `json:"sentAt"`
	UTM      strictUTM       `json:"utm"`
	Honeypot bool            `json:"honeypot"` // add a hidden link to put in the email: clicks on it are scanners
	// ScannerWindow: seconds after sentAt in which a click is a scanner's (default 10)
	ScannerWindow int `json:"scannerWindow"`
}

// strictUTM is the request's utm, read as strictly as the body around
// it: DisallowUnknownFields holds inside it too, but names a field of it
// without the "utm." that says where ("utm_medium" for utm.utm_medium).
type strictUTM links.UTM

func (u *strictUTM) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode((*links.UTM)(u))
	if f, ok := strings.CutPrefix(fmt.Sprint(err), "json: unknown field "); ok {
		return fmt.Errorf("json: unknown field %q", "utm."+strings.Trim(f, `"`))
	}
	return err
}

// sentAt reads the request's sentAt (absent or null: none).
func (req linksRequest) sentAt() (time.Time, error) {
	var t time.Time
	if len(req.SentAt) == 0 || string(req.SentAt) == "null" {
		return t, nil
	}
	return t, json.Unmarshal(req.SentAt, &t)
}

// LinkView is a registered link and the URL to put in the email, with the
// recipient token as a merge field.
type LinkView struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	Tracked  string `json:"tracked"`
	Honeypot bool   `json:"honeypot,omitempty"`
	// Snippet, the honeypot's only: the HTML to paste into the email.
	Snippet string `json:"snippet,omitempty"`
}

// honeypotSnippet is the honeypot link as the email's HTML must hold it:
// no text, so nothing shows even where a mail client drops the style;
// display:none takes it out of the page, the accessibility tree and the
// tab order; aria-hidden and tabindex="-1" do so where the style is
// dropped. A scanner reads the HTML's links, not what shows, and fetches
// it; a reader, with a mouse, a keyboard or a screen reader, never
// reaches it (one who did would have their visit flagged a scanner's).
func honeypotSnippet(tracked string) string {
	return `<a href="` + html.EscapeString(tracked) + `" aria-hidden="true" tabindex="-1" style="display:none"></a>`
}

func (h *Handler) linkRoutes(mux *http.ServeMux) {
	mux.Handle("POST /admin/links", h.Require(ScopeWrite, h.addLinks))
	mux.Handle("GET /admin/campaigns/{id}", h.Require(ScopeRead, h.getCampaign))
}

// mergeField is the recipient token's place in a tracked link: SendGrid's
// syntax for the list's baton_token column, which another email tool
// replaces with its own (the campaign page says so).
const mergeField = "{{baton_token}}"

func (h *Handler) tracked(r *http.Request, l links.Link) LinkView {
	v := LinkView{ID: l.ID, URL: l.URL, Tracked: httpx.BaseURL(h.PublicURL, r, h.Proxies) + "/c/" + l.ID + "/" + mergeField, Honeypot: l.Honeypot}
	if l.Honeypot {
		v.Snippet = honeypotSnippet(v.Tracked)
	}
	return v
}

func (h *Handler) addLinks(w http.ResponseWriter, r *http.Request) {
	body, status, err := httpx.ReadBody(w, r, 256<<10)
	if err != nil {
		httpx.Error(w, status, err.Error())
		return
	}
	const shape = `{"campaign": ..., "urls": [...], "name", "sentAt", "utm": {"source", "medium", "campaign", "content"}, "honeypot", "scannerWindow"}`
	var req linksRequest
	dec := json.NewDecoder(strings.NewReader(string(body)))
	// A misspelled key (sent_at, scanner_window, utm.utm_medium) is a 400
	// naming it: ignored, the campaign was made without its send time or
	// scanner window, or with a medium missing from every link's UTM.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.BadJSON(shape, err))
		return
	}
	sentAt, err := req.sentAt()
	if err != nil {
		e := httpx.BadJSON(shape, err)
		e.Field = "sentAt"
		if !strings.Contains(e.Error, "is not a time") { // not a string: time's own message names Go's method
			e.Error = "body must be " + shape + ": sentAt must be a time with its zone, as RFC 3339 (2026-11-24T10:00:00+09:00)"
		}
		httpx.JSON(w, http.StatusBadRequest, e)
		return
	}
	if !links.ValidCampaign(req.Campaign) {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "campaign must be 1-64 of a-z 0-9 _ -", Field: "campaign"})
		return
	}
	auditID(w, req.Campaign)
	if len(req.Name) > links.MaxText {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "name: at most 200 bytes", Field: "name"})
		return
	}
	if u := req.UTM; max(len(u.Source), len(u.Medium), len(u.Campaign), len(u.Content)) > links.MaxText {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "utm: at most 200 bytes each", Field: "utm"})
		return
	}
	if req.ScannerWindow < 0 || req.ScannerWindow > links.MaxScannerWindow {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "scannerWindow must be 0 to 3600 seconds", Field: "scannerWindow"})
		return
	}
	if _, err := h.Links.CheckDestinations(req.URLs); err != nil { // before the campaign is written
		h.linkErr(w, err)
		return
	}
	camp, created, err := h.Links.PutCampaign(r.Context(), links.Campaign{ID: req.Campaign, Name: req.Name, SentAt: sentAt, UTM: links.UTM(req.UTM), ScannerWindow: req.ScannerWindow})
	if err != nil {
		h.linkErr(w, err)
		return
	}
	ls, err := h.Links.Add(r.Context(), req.Campaign, req.URLs, false)
	if err != nil {
		h.linkErr(w, err)
		return
	}
	if req.Honeypot {
		hp, err := h.Links.Add(r.Context(), req.Campaign, []string{ls[0].URL}, true)
		if err != nil {
			h.linkErr(w, err)
			return
		}
		ls = append(ls, hp...)
	}
	out := make([]LinkView, 0, len(ls))
	for _, l := range ls {
		out = append(out, h.tracked(r, l))
	}
	// 201 for a new campaign; 200 when it was there (its links added to).
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	httpx.JSON(w, code, map[string]any{"campaign": camp, "links": out})
}

func (h *Handler) getCampaign(w http.ResponseWriter, r *http.Request) {
	c, err := h.Links.Campaign(r.Context(), r.PathValue("id"))
	if errors.Is(err, links.ErrNotFound) {
		if wantsHTML(r) {
			h.pageError(w, r, http.StatusNotFound, "../", "No such campaign.")
			return
		}
		httpx.Error(w, http.StatusNotFound, "no such campaign")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ls, err := h.Links.Links(r.Context(), c.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if wantsHTML(r) {
		h.campaignPage(w, r, c, ls)
		return
	}
	out := make([]LinkView, 0, len(ls))
	for _, l := range ls {
		out = append(out, h.tracked(r, l))
	}
	body := map[string]any{"campaign": c, "links": out}
	if h.Workspace != nil {
		// Clicks that came without a recipient token (the merge tag left
		// as it was, or empty): no report of people counts them.
		nt, err := click.CampaignTokenless(r.Context(), h.Workspace.T, c.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		body["tokenless"] = nt
	}
	httpx.JSON(w, http.StatusOK, body)
}

func (h *Handler) linkErr(w http.ResponseWriter, err error) {
	if errors.Is(err, links.ErrInvalid) {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: strings.TrimPrefix(err.Error(), "links: invalid: "), Field: "urls"})
		return
	}
	h.fail(w, nil, err) // the JSON API alone
}
