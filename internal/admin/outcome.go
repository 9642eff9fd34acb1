package admin

import (
	"errors"
	"github.com/baton-hq/baton/internal/event"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
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
	case !utf8.ValidString(req.Owner) || len(req.Owner) > 200 || strings.ContainsFunc(req.Owner, isControl):
		bad("owner", "owner: at most 200 bytes of text on one line")
		return
	case len(req.DeliveryID) > 128 || strings.ContainsFunc(req.DeliveryID, isControl):
		bad("deliveryId", "deliveryId: at most 128 bytes on one line")
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
	if form {
		seeOther(w, "../"+person+"?m=outcome")
		return
	}
	httpx.JSON(w, http.StatusOK, res)
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
