package admin

import (
	"errors"
	"fmt"
	"github.com/baton-hq/baton/internal/event"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/textcut"
)

// outcome records sales' verdict on a person given in the workspace (the
// inbox's form, when no SFA reports them back) or by an API client:
// {"outcome": "accepted" | "rejected" | "sql" | "opportunity" | "won" |
// "lost", "why": ..., "owner": ..., "deliveryId": ...}. It is the same
// verdict an SFA's feedback gives (SLA, recycling, the MQL-quality report);
// deliveryId makes a retried request count once (a form's is its MQL's id
// and the verdict).
func (h *Handler) outcome(w http.ResponseWriter, r *http.Request) {
	person := r.PathValue("id")
	var req struct {
		Outcome    string `json:"outcome"`
		Why        string `json:"why"`
		Owner      string `json:"owner"`
		DeliveryID string `json:"deliveryId"`
	}
	form := formPost(r) // the inbox's form (csrfToken parsed it)
	if form {
		f := r.PostForm
		req.Outcome, req.Why, req.Owner = f.Get("outcome"), f.Get("why"), f.Get("owner")
		if mql := f.Get("mql"); mql != "" {
			req.DeliveryID = mql + ":" + req.Outcome // the same verdict on the same MQL counts once
		}
	} else if !readJSON(w, r, &req, `{"outcome": "accepted|rejected|sql|opportunity|won|lost", "why": "...", "owner": "...", "deliveryId": "..."}`) {
		return
	}
	req.Why, req.Owner = strings.TrimSpace(req.Why), strings.TrimSpace(req.Owner)
	bad := func(field, msg string) {
		if form { // the form's select and input allow none of these: a tampered or stale form
			h.pageError(w, r, http.StatusBadRequest, "../../", "The verdict was not recorded: choose one of the verdicts, with a reason of at most 2,000 bytes.")
			return
		}
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: msg, Field: field})
	}
	switch {
	case !qualify.IsOutcome(req.Outcome):
		bad("outcome", "outcome must be accepted, rejected, sql, opportunity, won or lost")
		return
	case !utf8.ValidString(req.Why) || len(req.Why) > qualify.MaxWhy:
		bad("why", "why: at most 2000 bytes of text")
		return
	case !utf8.ValidString(req.Owner) || utf8.RuneCountInString(req.Owner) > qualify.MaxOwnerRunes || strings.ContainsFunc(req.Owner, isControl):
		// The bound the SFAs' owners are kept to (qualify.MaxOwnerRunes),
		// in characters: 200 bytes refused a Japanese name a Salesforce
		// Flow's outcome for the same rep keeps.
		bad("owner", fmt.Sprintf("owner: at most %d characters of text on one line", qualify.MaxOwnerRunes))
		return
	case len(req.DeliveryID) > 128 || strings.ContainsFunc(req.DeliveryID, isControl):
		bad("deliveryId", "deliveryId: at most 128 bytes on one line")
		return
	}
	// Kept without control characters nor bidirectional overrides,
	// isolates and marks (textcut.Controls, as qualify keeps them): a
	// reason of those alone is no reason.
	req.Why, req.Owner = strings.TrimSpace(textcut.Controls(req.Why)), textcut.Line(textcut.Controls(req.Owner))
	if form && req.Why == "" && (req.Outcome == qualify.StageRejected || req.Outcome == qualify.StageLost) {
		// The form's reason is for a rejection or a loss, and it is what
		// the MQL quality report and the definition's tuning read; a
		// verdict recorded without one could never be given one (the
		// same verdict again is a duplicate). Back to the form, saying so,
		// and the trail too: the 303 is no verdict recorded.
		auditResult(w, audit.ResultRefused, auditWhy["verdict:need-why"])
		backTo(w, r, person, url.Values{"m": {"need-why"}, "outcome": {req.Outcome}})
		return
	}
	if req.Owner == "" {
		req.Owner = callerName(r) // who answered: the SLA report's owner
	}
	id := req.DeliveryID
	if id == "" {
		id = event.NewID() // each call its own
	}
	res, err := h.Scores.OutcomeWhy(r.Context(), person, req.Outcome, "workspace-"+id, req.Owner, req.Why, time.Time{}) // now, on scoring's clock
	switch {
	case errors.Is(err, identity.ErrNotFound):
		if form {
			h.pageError(w, r, http.StatusNotFound, "../../", "No such person.")
			return
		}
		httpx.Error(w, http.StatusNotFound, "no such person")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	why := ""
	if !res.Applied { // the trail says so, and why: not "done"
		why = ignoredKind(res.Ignored, res.Stage, qualify.OutcomeStage(req.Outcome))
		auditResult(w, audit.ResultNotApplied, auditWhy["verdict:"+why])
	}
	if form {
		q := url.Values{"m": {"outcome"}}
		if !res.Applied { // the page says so, and why: not "recorded"
			q = url.Values{"m": {"not-applied"}, "outcome": {req.Outcome}, "why": {why}, "stage": {res.Stage}}
		}
		backTo(w, r, person, q)
		return
	}
	httpx.JSON(w, http.StatusOK, res)
}

// backTo answers the verdict form: the inbox's goes back to the inbox, at
// its filter, where sales goes on with the next lead (back names which: a
// fixed word, never an address), at the lead's card (its MQL's id, when
// it is an MQL id); any other form to the person's page. q says what the
// form did.
func backTo(w http.ResponseWriter, r *http.Request, person string, q url.Values) {
	to := "../" + person
	switch r.PostForm.Get("back") {
	case "inbox":
		to = "../../inbox"
	case "awaiting":
		to = "../../inbox?show=awaiting"
	}
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	// Back in the inbox, the note is in the lead's card (the query names
	// it), and the address goes to the note: the browser scrolls to it
	// and focuses it, so that a screen reader says it (a note there as
	// the page loads is no change a live region announces).
	if mql := r.PostForm.Get("mql"); strings.HasPrefix(to, "../../inbox") && mqlFragment.MatchString(mql) {
		q.Set("lead", mql)
		to += sep + q.Encode() + "#verdict-note"
	} else {
		to += sep + q.Encode()
	}
	seeOther(w, to)
}

// mqlFragment is an MQL id (person id, -c, its cycle): what a card's
// anchor may name.
var mqlFragment = regexp.MustCompile(`^p_[0-9a-f]{1,64}-c[0-9]{1,6}$`)

// ignoredKind names why qualify ignored a verdict (OutcomeResult.Ignored)
// for the person page's note: a word the page knows, never the text
// itself, so a crafted link can put no words of its own on the page.
// "already <stage>" is the person at the verdict's stage (verdict) or
// past it (a customer made SQL).
func ignoredKind(ignored, stage, verdict string) string {
	switch {
	case ignored == "duplicate delivery":
		return "duplicate"
	case strings.HasPrefix(ignored, "already ") && stage != verdict:
		return "past"
	case strings.HasPrefix(ignored, "already "):
		return "already"
	case strings.HasPrefix(ignored, "stale: dated before"):
		return "earlier-cycle"
	case strings.HasPrefix(ignored, "not allowed: "):
		return "order"
	}
	return ""
}

// verdictLabel is the inbox form's name for an outcome.
var verdictLabel = map[string]string{"accepted": "Accepted (SAL)", "rejected": "Rejected (back to nurture)", "sql": "SQL",
	"opportunity": "Opportunity", "won": "Won", "lost": "Lost"}

// notApplied is the person page's note after the inbox's form sent a
// verdict that changed nothing (the query its redirect carries).
func notApplied(p page, q url.Values) string {
	label, ok := verdictLabel[q.Get("outcome")]
	if !ok {
		return p.T("Sales' verdict was not applied.")
	}
	verdict := p.T(label)
	stage := q.Get("stage")
	if _, known := en["stage:"+stage]; !known {
		stage = ""
	}
	switch q.Get("why") {
	case "duplicate":
		return p.F("Sales' verdict %s was not applied: it was recorded for this MQL already.", verdict)
	case "already":
		return p.F("Sales' verdict %s was not applied: the person is at that stage already.", verdict)
	case "past":
		if stage != "" {
			return p.F("Sales' verdict %s was not applied: the person is past it already, at stage %s.", verdict, p.T("stage:"+stage))
		}
	case "earlier-cycle":
		return p.F("Sales' verdict %s was not applied: it is dated before the person's current MQL.", verdict)
	case "order":
		switch stage {
		case qualify.StageRecycled, qualify.StageRejected, qualify.StageLost:
			// A rejection or a loss of a lead closed already; sales take
			// it back by accepting it or recording its deal (qualify's
			// reopen).
			return p.F("Sales' verdict %s was not applied: sales closed this lead already, and it went back to nurturing. To take it back, record it accepted (or its deal's stage).", verdict)
		}
		if stage != "" {
			return p.F("Sales' verdict %s was not applied: a person at stage %s cannot move to it (verdicts only move a person forward).", verdict, p.T("stage:"+stage))
		}
	}
	return p.F("Sales' verdict %s was not applied.", verdict)
}

// needWhy is the inbox's note after its form sent a rejection or a loss
// without the reason: nothing recorded, the verdict named.
func needWhy(p page, q url.Values) string {
	label, ok := verdictLabel[q.Get("outcome")]
	if !ok {
		label = "Rejected (back to nurture)"
	}
	return p.F("Sales' verdict %s was not recorded: give the reason. A rejection's or a loss's reason is what the MQL quality report and the rules' tuning read, and a verdict recorded without one cannot be given one later.", p.T(label))
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// callerName names who is signed in (a session's name) or which token
// called.
func callerName(r *http.Request) string {
	c, ok := callerOf(r)
	switch {
	case !ok:
		return ""
	case c.Session != nil:
		return c.Session.Name
	}
	return c.Cred.Name
}
