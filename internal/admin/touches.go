package admin

import (
	"errors"
	"net/http"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/offline"
)

func (h *Handler) touchRoutes(mux *http.ServeMux) {
	mux.Handle("POST /admin/touches", h.require(ScopeWrite, csvBody, h.touches))
}

// touches imports a CSV of offline touches (exhibition, seminar, webinar
// attendees, exchanged business cards); see package offline. The answer is
// JSON: how many rows were read, imported, already there, how many people
// are new, and each row that was not imported with its line and why.
// Optional query parameters event, date and channel fill a column the file
// lacks (or a row leaves empty).
func (h *Handler) touches(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	body := http.MaxBytesReader(w, r.Body, h.maxUpload())
	res, err := h.Touches.Import(r.Context(), body, offline.Defaults{Event: q.Get("event"), Date: q.Get("date"), Channel: q.Get("channel")})
	var mbe *http.MaxBytesError
	var fe *offline.FileError
	switch {
	case errors.As(err, &mbe):
		httpx.Error(w, http.StatusRequestEntityTooLarge, "the CSV is larger than "+megabytes(h.maxUpload())+" MB: split it and import each part")
	case errors.As(err, &fe):
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: fe.Msg})
	case err != nil:
		h.fail(w, r, err) // the store: importing the file again completes it
	default:
		httpx.JSON(w, http.StatusOK, res)
	}
}
