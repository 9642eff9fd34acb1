package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
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
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.log().Info("person erased", "visitors", rep.Visitors, "events", rep.Events, "items", rep.Items) // no personal data in logs
	httpx.JSON(w, http.StatusOK, map[string]any{"erased": true, "visitors": rep.Visitors, "events": rep.Events, "items": rep.Items, "removed": rep.Removed})
}
