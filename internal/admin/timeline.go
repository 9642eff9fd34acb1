package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
)

// TimelinePager pages a person's timeline; see identity.Stitcher.
type TimelinePager interface {
	TimelinePage(ctx context.Context, person string, limit int, from *identity.TimelineCursor) ([]event.Event, *identity.TimelineCursor, error)
}

// timelineRoutes serves GET /admin/people/{id}/timeline?limit=&cursor=:
// the person's events newest first, a page at a time.
func (h *Handler) timelineRoutes(mux *http.ServeMux) {
	if _, ok := h.Timelines.(TimelinePager); ok {
		mux.Handle("GET /admin/people/{id}/timeline", h.Require(ScopeRead, h.timelinePage))
	}
}

// TimelinePageView is one page of a timeline.
type TimelinePageView struct {
	Events []event.Event `json:"events"`
	Limit  int           `json:"limit"`
	Next   string        `json:"next,omitempty"` // the cursor of the next page; absent on the last
}

func (h *Handler) timelinePage(w http.ResponseWriter, r *http.Request) {
	max := h.TimelineLimit
	if max <= 0 {
		max = 500
	}
	limit := min(100, max)
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := formInt(v)
		if err != nil || n < 1 || n > max {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "limit must be a whole number from 1 to " + strconv.Itoa(max) + " (timeline_limit)", Field: "limit"})
			return
		}
		limit = n
	}
	var from *identity.TimelineCursor
	if v := q.Get("cursor"); v != "" {
		c, err := identity.ParseTimelineCursor(v)
		if err != nil {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error(), Field: "cursor"})
			return
		}
		from = &c
	}
	p, err := h.People.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, identity.ErrNotFound) {
		httpx.Error(w, http.StatusNotFound, "no such person")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	evs, next, err := h.Timelines.(TimelinePager).TimelinePage(r.Context(), p.ID, limit, from)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	view := TimelinePageView{Events: evs, Limit: limit}
	if view.Events == nil {
		view.Events = []event.Event{}
	}
	if next != nil {
		view.Next = next.String()
	}
	httpx.JSON(w, http.StatusOK, view)
}
