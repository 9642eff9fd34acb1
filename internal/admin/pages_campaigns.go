package admin

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/csvin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/recipientcsv"
)

// campaignLister is what the campaign pages need of the link registry
// beyond LinkRegistry (links.Registry has both).
type campaignLister interface {
	Campaigns(ctx context.Context) ([]links.Campaign, error)
	ListComplete(ctx context.Context) (bool, error)
	ListMinted(ctx context.Context, campaign, file string, addresses []string, add bool) (links.ListCount, error)
}

// formBody: a bearer client may post the page's form too (no browser
// sends a bearer token by itself).
var formBody = []string{"application/x-www-form-urlencoded"}

// campaignForm is the new-campaign form, as typed (kept on an error).
type campaignForm struct {
	ID, Name, URLs, Source, Medium, Campaign, Content, SentAt, Window string
	Honeypot                                                          bool
}

type campaignsView struct {
	Campaigns []links.Campaign
	Building  bool // campaigns stored before the list are still being copied into it (by the sweep)
	Form      campaignForm
	Error     string
	Field     string
	CanCreate bool // the write scope: a read-only caller sees no form
}

func (h *Handler) pageRoutes(mux *http.ServeMux) {
	if h.Links != nil {
		mux.Handle("GET /admin/campaigns", h.Require(ScopeRead, h.campaignsPage))
		mux.Handle("POST /admin/campaigns", h.require(ScopeWrite, formBody, h.createCampaign))
		if h.Recipients != nil {
			mux.Handle("POST /admin/campaigns/{id}/recipients", h.require(ScopeWrite, csvBody, h.uploadRecipients))
		}
	}
}

func (h *Handler) lister() (campaignLister, bool) {
	l, ok := h.Links.(campaignLister)
	return l, ok
}

func (h *Handler) campaignsPage(w http.ResponseWriter, r *http.Request) {
	h.renderCampaigns(w, r, http.StatusOK, campaignsView{Form: campaignForm{Source: "newsletter", Medium: "email", Window: "10", Honeypot: true}})
}

func (h *Handler) renderCampaigns(w http.ResponseWriter, r *http.Request, status int, v campaignsView) {
	v.CanCreate = canWrite(r)
	var err error
	if l, ok := h.lister(); ok {
		if v.Campaigns, err = l.Campaigns(r.Context()); err != nil {
			h.fail(w, r, err)
			return
		}
		complete, err := l.ListComplete(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Building = !complete
	}
	if !wantsHTML(r) && status == http.StatusOK {
		httpx.JSON(w, status, map[string]any{"campaigns": nonNil(v.Campaigns), "complete": !v.Building})
		return
	}
	h.render(w, r, status, "campaigns", "Campaigns", "", "campaigns", v)
}

// createCampaign takes the page's form (a session's, with its CSRF token:
// API clients use POST /admin/links) and goes to the new campaign's page.
func (h *Handler) createCampaign(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody) // a session's form was read already, under the same bound
	if err := r.ParseForm(); err != nil {
		status, msg := formError(err)
		h.deny(w, r, status, msg)
		return
	}
	f := campaignForm{ID: strings.TrimSpace(r.PostForm.Get("id")), Name: strings.TrimSpace(r.PostForm.Get("name")), URLs: r.PostForm.Get("urls"),
		Source: strings.TrimSpace(r.PostForm.Get("utm_source")), Medium: strings.TrimSpace(r.PostForm.Get("utm_medium")),
		Campaign: strings.TrimSpace(r.PostForm.Get("utm_campaign")), Content: strings.TrimSpace(r.PostForm.Get("utm_content")),
		SentAt: strings.TrimSpace(r.PostForm.Get("sent_at")), Window: strings.TrimSpace(r.PostForm.Get("scanner_window")), Honeypot: r.PostForm.Get("honeypot") != ""}
	bad := func(field, msg string) {
		h.renderCampaigns(w, r, http.StatusBadRequest, campaignsView{Form: f, Error: msg, Field: field})
	}
	if !links.ValidCampaign(f.ID) {
		bad("id", "Campaign id: 1-64 of a-z 0-9 _ - (lower case, no spaces).")
		return
	}
	auditID(w, f.ID)
	if len(f.Name) > links.MaxText {
		bad("name", "Name: at most 200 bytes.")
		return
	}
	if max(len(f.Source), len(f.Medium), len(f.Campaign), len(f.Content)) > links.MaxText {
		bad("utm", "utm_source, utm_medium, utm_campaign and utm_content: at most 200 bytes each.")
		return
	}
	var urls []string
	for _, line := range strings.Split(f.URLs, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			urls = append(urls, line)
		}
	}
	if len(urls) == 0 {
		bad("urls", "Give at least one destination URL, one per line.")
		return
	}
	var sent time.Time
	if f.SentAt != "" {
		// A time the zone's clocks skip or show twice (a day they change)
		// is refused: it was taken as another time, or one of the two, and
		// the scanner window judged from it an hour off.
		t, err := calendar.ParseLocal("2006-01-02T15:04", f.SentAt, h.loc())
		var skipped *calendar.SkippedError
		var twice *calendar.AmbiguousError
		switch {
		case errors.As(err, &skipped):
			bad("sent_at", fmt.Sprintf("Send time: %s does not exist in %s (the clocks skip that time): pick another time.", f.SentAt, skipped.Loc))
			return
		case errors.As(err, &twice):
			bad("sent_at", fmt.Sprintf("Send time: %s occurs twice in %s (%s, then %s): pick a time outside it, or give the time with its offset as sentAt to POST /admin/links.",
				f.SentAt, twice.Loc, twice.First.Format("15:04 MST"), twice.Second.Format("15:04 MST")))
			return
		case err != nil:
			bad("sent_at", "Send time: a date and time such as 2026-11-04T10:00.")
			return
		}
		sent = t
	}
	window := 0
	if f.Window != "" {
		n, err := formInt(f.Window)
		if err != nil || n < 0 || n > links.MaxScannerWindow {
			bad("scanner_window", "Scanner window: 0 to 3600 seconds.")
			return
		}
		window = n
	}
	if _, err := h.Links.CheckDestinations(urls); err != nil { // before the campaign is written
		h.formLinkErr(w, r, err, bad)
		return
	}
	ctx := r.Context()
	// utm_campaign left empty is the campaign's id: the form fills source
	// and medium in, and links landing without a campaign were counted
	// under "(not set)" by the site's analytics.
	utmCampaign := f.Campaign
	if utmCampaign == "" {
		utmCampaign = f.ID
	}
	// Create, never update: an id typed again (or an existing campaign's)
	// changed that campaign's send time and added links, saying "created".
	_, err := h.Links.CreateCampaign(ctx, links.Campaign{ID: f.ID, Name: f.Name, SentAt: sent, ScannerWindow: window,
		UTM: links.UTM{Source: f.Source, Medium: f.Medium, Campaign: utmCampaign, Content: f.Content}})
	if errors.Is(err, links.ErrExists) {
		bad("id", "Campaign "+f.ID+" exists already: choose another id, or open it from the list above.")
		return
	}
	if err != nil {
		h.formLinkErr(w, r, err, bad)
		return
	}
	ls, err := h.Links.Add(ctx, f.ID, urls, false)
	if err != nil {
		h.formLinkErr(w, r, err, bad)
		return
	}
	if f.Honeypot {
		if _, err := h.Links.Add(ctx, f.ID, []string{ls[0].URL}, true); err != nil {
			h.formLinkErr(w, r, err, bad)
			return
		}
	}
	seeOther(w, "campaigns/"+f.ID+"?m=created")
}

func (h *Handler) formLinkErr(w http.ResponseWriter, r *http.Request, err error, bad func(field, msg string)) {
	if errors.Is(err, links.ErrInvalid) {
		bad("urls", strings.TrimPrefix(err.Error(), "links: invalid: "))
		return
	}
	h.fail(w, r, err)
}

// campaignView is a campaign's page: its links, the recipient list form,
// and the report.
type campaignView struct {
	C     links.Campaign
	Links []LinkView
	Pixel string
	// MergeField: the token's place in the links, which the page says to
	// replace with the email tool's own merge field.
	MergeField string
	Created    bool
	CanMint    bool
	// CanUpload: the caller has the write scope (a read-only caller sees
	// no upload form).
	CanUpload bool
	MaxMB     string // the largest list taken (Handler.MaxUpload)
	Report    campaignReport
	Names     map[string]string // person id -> name (else email), of the people in the report
	Upload    string            // a problem with the uploaded list
	// Uploaded is the list just uploaded: the POST's answer is this page,
	// fresh (its count and time), with the tokenised list to download.
	Uploaded *uploadedList
	// Up is what the page's relative links need before them: "../" on
	// the upload's answer, one level down (/campaigns/{id}/recipients).
	Up string
}

// uploadedList is what the page says of a list just uploaded.
type uploadedList struct {
	Minted int
	// Added: uploaded as a further part; Count: what it did to the send's
	// count (new, already in the send, what a replacing list replaced).
	Added      bool
	Count      *links.ListCount
	Duplicates int                     // rows of an address a row above has
	Refused    int                     // rows that got no token
	Errors     []recipientcsv.RowError // the first maxShownRowErrors of them
	More       int                     // row problems not shown (all are in the file's column)
	File       string
	Data       template.URL // the tokenised CSV as a data: URL, for the download link
	// The rows above the header (a title, the date of the export) left out
	// of the file, which an email tool reads from its first row, the
	// header: how many (0: none), their first and last rows in the list
	// uploaded, and what they read (cut).
	Dropped, DroppedFirst, DroppedLast int
	DroppedText                        string
	// RepeatedHeaders are the rows that were the header again (two lists
	// pasted together), left out of the file.
	RepeatedHeaders []csvin.Repeat
	// PastedTitles are the rows of the title lines just above a repeated
	// header (a second list's), left out with it.
	PastedTitles []int
	// Restored are the cells whose leading zero Excel dropped, given back
	// in the people stored (a Japanese team's list), the first
	// maxShownRowErrors of them; MoreRestored the others.
	Restored     []identity.Restored
	MoreRestored int
}

// maxDroppedText bounds what the page quotes of the rows left out.
const maxDroppedText = 60

// dropped fills up's account of the rows above the header that the file
// leaves out.
func (up *uploadedList) dropped(rows []csvin.Record) {
	if len(rows) == 0 {
		return
	}
	up.Dropped, up.DroppedFirst, up.DroppedLast = len(rows), rows[0].Row, rows[len(rows)-1].Row
	var texts []string
	for _, r := range rows {
		// The cells with a value, as the row reads in Excel: a title's
		// empty cells after it (",,") say nothing, a wrapped cell is one.
		var cells []string
		for _, c := range r.Fields {
			if c = strings.Join(strings.Fields(c), " "); c != "" {
				cells = append(cells, c)
			}
		}
		texts = append(texts, strings.Join(cells, ","))
	}
	text := []rune(strings.Join(texts, " / "))
	if len(text) > maxDroppedText {
		text = append(text[:maxDroppedText], '…')
	}
	up.DroppedText = string(text)
}

// maxShownRowErrors bounds the row problems listed on the page.
const maxShownRowErrors = 20

// switchTo: the upload's answer switches language on the campaign's page
// (the upload's URL answers no GET).
func (v campaignView) switchTo() string {
	if v.Up != "" {
		return v.Up + v.C.ID
	}
	return ""
}

// campaignReport is what the recipients did: opens and clicks with
// scanners and Apple Mail Privacy Protection apart, clicks per link, the
// people who clicked and those who became MQLs at or after their first
// click.
type campaignReport struct {
	OpenPeople, MPPOpens, ScannerOpens int
	// ClickOnlyOpens are the people among OpenPeople counted by their
	// click alone: their mail client showed no images (Outlook's default),
	// or only Apple MPP's prefetch fetched the pixel.
	ClickOnlyOpens                      int
	HumanClickers, HumanClicks, Pending int
	ScannerClicks, ScannerClients       int
	PerLink                             []linkCount
	Clickers                            []clicker
	MQLs                                []qualify.MQL
	// NoToken: clicks that came without a recipient token (the email
	// tool left {{baton_token}} as it was, or rendered it empty): they
	// name no one, so no count above has them; the page says why.
	NoToken click.Tokenless
}

// NoTokenWarns reports whether the clicks without a recipient token are
// enough to warn of ("your email tool did not replace it"): three or
// more, or a tenth or more of the send's clicks. A link's id is in every
// email sent, so one click by anyone (a forward, a curious reader, an
// outsider) was enough to tell the user their send was broken; fewer are
// still counted (the links' No token column, the JSON).
func (r campaignReport) NoTokenWarns() bool {
	n := r.NoToken.Clicks
	return n >= 3 || n > 0 && n*10 >= r.HumanClicks+r.Pending+n
}

// NoTokenFirst and NoTokenOthers are what the links said in the token's
// place: the merge tags as they arrived, the most clicked first.
func (r campaignReport) NoTokenFirst() string {
	if len(r.NoToken.Arrived) == 0 {
		return ""
	}
	return r.NoToken.Arrived[0]
}

func (r campaignReport) NoTokenOthers() string {
	if len(r.NoToken.Arrived) < 2 {
		return ""
	}
	return strings.Join(r.NoToken.Arrived[1:], ", ")
}

type linkCount struct {
	Link                    LinkView
	Human, Pending, Scanner int
	NoToken                 int // clicks without a recipient token (scanners apart)
}

type clicker struct {
	Person, Name, Email string
	Clicks              int
	First, Last         time.Time // their first and latest click not a scanner's
}

func (h *Handler) campaignPage(w http.ResponseWriter, r *http.Request, c links.Campaign, ls []links.Link) {
	h.renderCampaign(w, r, http.StatusOK, campaignView{C: c, Created: r.URL.Query().Get("m") == "created"}, ls)
}

// renderCampaign renders the campaign's page from v (its campaign, and
// what an upload said) and the campaign's links.
func (h *Handler) renderCampaign(w http.ResponseWriter, r *http.Request, status int, v campaignView, ls []links.Link) {
	c := v.C
	v.CanMint = h.Recipients != nil && h.Recipients.Keyring != nil
	v.CanUpload = canWrite(r)
	v.MaxMB = megabytes(h.maxUpload())
	v.Pixel = httpx.BaseURL(h.PublicURL, r, h.Proxies) + "/o/" + c.ID + "/" + mergeField + ".gif"
	v.MergeField = mergeField
	byID := map[string]*linkCount{}
	// A stable order (ids are random): by creation, then destination, the
	// honeypot last.
	sort.SliceStable(ls, func(i, j int) bool {
		if ls[i].Honeypot != ls[j].Honeypot {
			return !ls[i].Honeypot
		}
		if !ls[i].CreatedAt.Equal(ls[j].CreatedAt) {
			return ls[i].CreatedAt.Before(ls[j].CreatedAt)
		}
		return ls[i].URL < ls[j].URL
	})
	for _, l := range ls {
		v.Links = append(v.Links, h.tracked(r, l))
	}
	for i := range v.Links {
		v.Report.PerLink = append(v.Report.PerLink, linkCount{Link: v.Links[i]})
	}
	for i := range v.Report.PerLink {
		byID[v.Report.PerLink[i].Link.ID] = &v.Report.PerLink[i]
	}
	if h.Workspace != nil {
		evs, err := click.CampaignActivity(r.Context(), h.Workspace.T, c.ID, h.wsNow())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if err := h.campaignReport(r, &v.Report, evs, byID, c); err != nil {
			h.fail(w, r, err)
			return
		}
		if v.Report.NoToken, err = click.CampaignTokenless(r.Context(), h.Workspace.T, c.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		for id, n := range v.Report.NoToken.PerLink {
			if lc := byID[id]; lc != nil {
				lc.NoToken = n
			}
		}
	}
	v.Names = map[string]string{}
	for _, k := range v.Report.Clickers {
		v.Names[k.Person] = displayName(map[string]string{"name": k.Name}, k.Email)
	}
	h.render(w, r, status, "campaign", c.ID, v.Up+"../", "campaigns", v)
}

// campaignReport counts the campaign's recorded clicks and opens (its own
// partition, one query), then reads each human clicker's person and MQLs
// by key.
func (h *Handler) campaignReport(r *http.Request, rep *campaignReport, evs []click.Activity, byID map[string]*linkCount, c links.Campaign) error {
	opens, clickers, scannerClients := map[string]bool{}, map[string]*clicker{}, map[string]bool{}
	for _, ev := range evs {
		switch ev.Type {
		case event.EmailOpen:
			switch {
			case ev.Reason == "apple-mpp":
				rep.MPPOpens++
			case ev.Scanner:
				rep.ScannerOpens++
			default:
				opens[ev.Person] = true
			}
		case event.EmailClick:
			lc := byID[ev.Link]
			if lc == nil {
				lc = &linkCount{}
			}
			if ev.Scanner {
				rep.ScannerClicks++
				lc.Scanner++
				scannerClients[ev.Client] = true
				continue
			}
			// Human once judged so: the summary counted clicks awaiting
			// judgement as human too, beside its own table's 0.
			if !ev.Judged {
				rep.Pending++
				lc.Pending++
			} else {
				rep.HumanClicks++
				lc.Human++
			}
			k := clickers[ev.Person]
			if k == nil {
				k = &clicker{Person: ev.Person}
				clickers[ev.Person] = k
			}
			k.Clicks++
			if ev.At.After(k.Last) {
				k.Last = ev.At
			}
			if k.First.IsZero() || ev.At.Before(k.First) {
				k.First = ev.At
			}
		}
	}
	// A reader who clicked opened the email, whether or not the pixel
	// came: Outlook shows no images until asked, so a list read in
	// Outlook showed fewer people who opened than people who clicked.
	for p := range clickers {
		if !opens[p] {
			opens[p] = true
			rep.ClickOnlyOpens++
		}
	}
	rep.OpenPeople, rep.HumanClickers, rep.ScannerClients = len(opens), len(clickers), len(scannerClients)
	for _, k := range clickers {
		if p, err := h.People.Get(r.Context(), k.Person); err == nil {
			k.Email, k.Name = p.Email, displayName(p.Attributes, "")
		}
		if h.Scores != nil {
			ms, err := h.Scores.MQLs(r.Context(), k.Person)
			if err != nil {
				return err
			}
			for _, m := range ms {
				// Credited only when raised at or after the person's first
				// click: the send's time credited a newsletter with an MQL
				// its reader reached from the website form before clicking
				// (sent 05:00, MQL 05:48, click 05:55). MQL.At is the
				// qualifying event's time, as the click's is its event's.
				if !m.At.Before(k.First) {
					rep.MQLs = append(rep.MQLs, m)
				}
			}
		}
		rep.Clickers = append(rep.Clickers, *k)
	}
	sort.Slice(rep.Clickers, func(i, j int) bool { return rep.Clickers[i].Last.After(rep.Clickers[j].Last) })
	sort.Slice(rep.MQLs, func(i, j int) bool { return rep.MQLs[i].At.After(rep.MQLs[j].At) })
	return nil
}

// uploadRecipients takes the page's recipient list (multipart, with the
// session's CSRF token) and answers the campaign's page as it is now: the
// list's count and time, the rows that got no token, and the tokenised CSV
// to download. A download as the answer left the page the browser was on
// saying no list was uploaded until reloaded; a redirect (POST-redirect-
// GET) would need the tokenised list kept somewhere for the GET, and a
// list (up to 20 MB) fits no table item, so the answer carries it as a
// data: URL. A list that cannot be read answers the page with what is
// wrong by the form. API clients post text/csv to POST /admin/recipients
// (or here) and get the CSV itself, as before.
func (h *Handler) uploadRecipients(w http.ResponseWriter, r *http.Request) {
	campaign := r.PathValue("id")
	if !links.ValidCampaign(campaign) {
		httpx.Error(w, http.StatusNotFound, "no such campaign")
		return
	}
	const chooseOne = "Choose one CSV file of recipients (an email column, any other columns)."
	var problem string
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		// Parsed already unless the CSRF token came in the header.
		if err := parseUpload(w, r, h.maxUpload()); err != nil {
			problem = chooseOne
		}
	}
	if r.MultipartForm == nil && problem == "" {
		// A bearer client's text/csv body: the API's route does the rest.
		q := r.URL.Query()
		q.Set("campaign", campaign)
		r.URL.RawQuery = q.Encode()
		h.recipients(w, r)
		return
	}
	ctx := r.Context()
	c, err := h.Links.Campaign(ctx, campaign)
	if errors.Is(err, links.ErrNotFound) {
		h.pageError(w, r, http.StatusNotFound, "../../", "No such campaign: "+campaign)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rc := h.Recipients
	if rc.Keyring == nil {
		h.pageError(w, r, http.StatusServiceUnavailable, "../../", "Recipient tokens need BATON_LINK_KEYS to be configured.")
		return
	}
	// answer is the campaign's page as stored now, with v's news.
	answer := func(status int, v campaignView) {
		ls, err := h.Links.Links(ctx, c.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.C, v.Up = c, "../"
		h.renderCampaign(w, r, status, v, ls)
	}
	if problem != "" {
		answer(http.StatusBadRequest, campaignView{Upload: problem})
		return
	}
	f, err := h.uploadedFile(r, "list")
	switch {
	case errors.Is(err, errNotOneFile):
		auditResult(w, audit.ResultRefused, auditWhy["upload:none"])
		answer(http.StatusBadRequest, campaignView{Upload: chooseOne})
		return
	case errors.Is(err, errFileTooLarge):
		auditResult(w, audit.ResultRefused, auditWhy["upload:large"])
		h.pageError(w, r, http.StatusRequestEntityTooLarge, "../../", fileTooLarge(h.maxUpload()))
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	defer f.Close()
	now := h.wsNow()
	if rc.Now != nil {
		now = rc.Now()
	}
	// A browser shows no header: the rows' problems go in the file, in the
	// page's language, with Excel's line ends (and on the page).
	p := page{L: h.lang(w, r)}
	add := r.PostFormValue("add") != ""
	out, res, count, err := h.mintList(r, c.ID, f, add, now, recipientcsv.Options{ReasonColumn: p.T("baton_error"), CRLF: true,
		Say: func(e recipientcsv.RowError) string { return p.T(fmt.Sprintf("line %d: %s", e.Line, e.Reason)) }})
	if err != nil {
		if errors.As(err, new(listError)) {
			auditResult(w, audit.ResultRefused, auditWhy["upload:unreadable"])
			answer(http.StatusBadRequest, campaignView{Upload: "The list could not be read: " + err.Error()})
			return
		}
		h.fail(w, r, err)
		return
	}
	if !wantsHTML(r) { // a client, not a browser: the CSV itself, as before
		sendList(w, c.ID, out, res, count)
		return
	}
	if c, err = h.Links.Campaign(ctx, c.ID); err != nil { // the count and time mintList wrote
		h.fail(w, r, err)
		return
	}
	up := &uploadedList{Minted: res.Minted, Added: add, Count: count, Duplicates: res.Duplicates, Refused: len(res.Errors), Errors: res.Errors, File: c.ID + "-recipients.csv",
		Data: template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(out))}
	up.dropped(res.Dropped)
	up.RepeatedHeaders, up.PastedTitles = res.RepeatedHeaders, res.PastedTitles
	if len(up.Errors) > maxShownRowErrors {
		up.Errors, up.More = up.Errors[:maxShownRowErrors], len(up.Errors)-maxShownRowErrors
	}
	if up.Restored = res.Restored; len(up.Restored) > maxShownRowErrors {
		up.Restored, up.MoreRestored = up.Restored[:maxShownRowErrors], len(up.Restored)-maxShownRowErrors
	}
	answer(http.StatusOK, campaignView{Uploaded: up})
}
