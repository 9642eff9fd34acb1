package admin

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
)

// Consent records a person's withdrawal of consent, or its end; see
// identity.Stitcher.
type Consent interface {
	WithdrawPerson(ctx context.Context, person string, at time.Time) error
	RegainConsent(ctx context.Context, person string) error
}

// POST /admin/people/{id}/consent: a person asked, by mail or on the
// phone, that their data no longer be used (利用停止), or that it be used
// again. The erase scope's, as the other privacy requests.
func (h *Handler) consentRoutes(mux *http.ServeMux) {
	mux.Handle("POST /admin/people/{id}/consent", h.Require(ScopeErase, h.consent))
}

func (h *Handler) consent(w http.ResponseWriter, r *http.Request) {
	person := r.PathValue("id")
	var req struct {
		Withdrawn *bool `json:"withdrawn"`
	}
	form := formPost(r) // the person page's form (csrfToken parsed it)
	if form {
		yes, no := true, false
		switch r.PostForm.Get("withdrawn") {
		case "1":
			req.Withdrawn = &yes
		case "0":
			req.Withdrawn = &no
		}
	} else if !readJSON(w, r, &req, `{"withdrawn": true|false}`) {
		return
	}
	if req.Withdrawn == nil {
		if form {
			h.pageError(w, r, http.StatusBadRequest, "../../", "Nothing was recorded: the form said neither to stop nor to resume.")
			return
		}
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "withdrawn must be true (stop using their data) or false (use it again)", Field: "withdrawn"})
		return
	}
	var err error
	if *req.Withdrawn {
		err = h.Consent.WithdrawPerson(r.Context(), person, h.wsNow())
	} else {
		err = h.Consent.RegainConsent(r.Context(), person)
	}
	if errors.Is(err, identity.ErrNotFound) {
		if form {
			h.pageError(w, r, http.StatusNotFound, "../../", "No such person.")
			return
		}
		httpx.Error(w, http.StatusNotFound, "no such person")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if form {
		m := "consent-regained"
		if *req.Withdrawn {
			m = "consent-withdrawn"
		}
		seeOther(w, "../"+person+"?m="+m)
		return
	}
	p, err := h.People.Get(r.Context(), person)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var at *time.Time
	if !p.ConsentWithdrawn.IsZero() {
		at = &p.ConsentWithdrawn
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"person": p.ID, "consentWithdrawn": at})
}
