package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
)

// Eraser forgets a person; see privacy.Eraser.
type Eraser interface {
	Erase(ctx context.Context, personID string) (privacy.Report, error)
}

func (h *Handler) eraseRoutes(mux *http.ServeMux) {
	mux.Handle("DELETE /admin/people/{id}", h.Require(ScopeErase, func(w http.ResponseWriter, r *http.Request) {
		h.erase(w, r, r.PathValue("id"))
	}))
	mux.Handle("DELETE /admin/people", h.Require(ScopeErase, func(w http.ResponseWriter, r *http.Request) {
		email, ok := queryEmail(w, r)
		if !ok {
			return
		}
		p, err := h.People.ByEmail(r.Context(), email)
		if errors.Is(err, identity.ErrNotFound) {
			h.eraseEmail(w, r, email)
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		// The trail says whom: the person's id, as the other route's path
		// records it (never the email), the only trace of it afterwards.
		auditID(w, p.ID)
		h.erase(w, r, p.ID)
	}))
}

// queryEmail reads ?email= as Baton reads an email; a value that is none
// is answered 400 (false).
func queryEmail(w http.ResponseWriter, r *http.Request) (string, bool) {
	email, err := event.NormalizeEmail(r.URL.Query().Get("email"))
	if err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "query parameter email must be an email address", Field: "email"})
		return "", false
	}
	return email, true
}

// emailEraser erases an email nobody was made of; see privacy.Eraser.
type emailEraser interface {
	EraseEmail(ctx context.Context, email string) (privacy.Report, error)
}

// eraseEmail answers the erasure of an email no person holds: events may
// still name it (a flagged form identifies nobody), and it must stay
// erased. Without an Eraser that can, it is no person: 404.
func (h *Handler) eraseEmail(w http.ResponseWriter, r *http.Request, email string) {
	e, ok := h.Eraser.(emailEraser)
	if !ok {
		httpx.Error(w, http.StatusNotFound, "no such person")
		return
	}
	rep, err := e.EraseEmail(r.Context(), email)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.log().Info("email erased", "events", rep.Events, "items", rep.Items) // no personal data in logs
	httpx.JSON(w, http.StatusOK, map[string]any{"erased": true, "visitors": 0, "events": rep.Events, "items": rep.Items, "removed": rep.Removed})
}

func (h *Handler) erase(w http.ResponseWriter, r *http.Request, id string) {
	rep, err := h.Eraser.Erase(r.Context(), id)
	if errors.Is(err, identity.ErrNotFound) {
		httpx.Error(w, http.StatusNotFound, "no such person")
		return
	}
	var notTold *privacy.NotTold
	if errors.As(err, &notTold) {
		// A system that must hear of it did not answer (an SFA, the
		// webhook's receiver down): a 503 naming it, to be asked again.
		// The log says its status and error code, never its answer's text,
		// which may quote the person being erased (a log is out of the
		// erasure's reach).
		msg := "the erasure was stopped: a sales system was not told of it (nothing but the tombstone was written); try again"
		var pe *push.Error
		connector := ""
		if errors.As(err, &pe) {
			connector = pe.Connector
		}
		h.log().Error("admin: erasure stopped: a sales system was not told", "connector", connector, "failure", push.Failure(err))
		if pe != nil {
			msg = fmt.Sprintf("the erasure was stopped: %s did not acknowledge it (HTTP status %d; 0: no answer), and nothing but the tombstone was written; try again", pe.Connector, pe.Status)
		}
		httpx.JSON(w, http.StatusServiceUnavailable, httpx.ErrorBody{Error: msg})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.log().Info("person erased", "visitors", rep.Visitors, "events", rep.Events, "items", rep.Items) // no personal data in logs
	out := map[string]any{"erased": true, "visitors": rep.Visitors, "events": rep.Events, "items": rep.Items, "removed": rep.Removed}
	if len(rep.Told) > 0 {
		out["told"] = rep.Told // what each SFA and the webhook receiver answered (sfa.erase)
	}
	httpx.JSON(w, http.StatusOK, out)
}
