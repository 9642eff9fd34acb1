package admin

import (
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/offline"
)

func (h *Handler) touchRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/touches", http.HandlerFunc(h.touchesPage))
	mux.Handle("POST /admin/touches", h.require(ScopeWrite, csvBody, h.touches))
}

// touches imports a CSV of offline touches (exhibition, seminar, webinar
// attendees, exchanged business cards); see package offline. The answer is
// JSON: how many rows were read, imported, already there, how many people
// are new, and each row that was not imported with its line and why.
// Optional query parameters event, date and channel fill a column the file
// lacks (or a row leaves empty). The page's form (multipart, with the
// session's CSRF token) is answered by the page with the result
// (uploadTouches).
func (h *Handler) touches(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" || r.MultipartForm != nil {
		h.uploadTouches(w, r)
		return
	}
	q := r.URL.Query()
	body := http.MaxBytesReader(w, r.Body, h.maxUpload())
	res, err := h.Touches.Import(r.Context(), body, offline.Defaults{Event: q.Get("event"), Date: q.Get("date"), Channel: q.Get("channel")})
	var mbe *http.MaxBytesError
	var fe *offline.FileError
	switch {
	case errors.As(err, &mbe):
		auditResult(w, audit.ResultRefused, auditWhy["upload:large"])
		httpx.Error(w, http.StatusRequestEntityTooLarge, "the CSV is larger than "+megabytes(h.maxUpload())+" MB: split it and import each part")
	case errors.As(err, &fe):
		auditResult(w, audit.ResultRefused, auditWhy["upload:unreadable"])
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: fe.Msg})
	case err != nil:
		h.fail(w, r, err) // the store: importing the file again completes it
	default:
		httpx.JSON(w, http.StatusOK, res)
	}
}

// touchForm is the page's form as filled in (kept on its answer).
type touchForm struct{ Channel, Event, Date string }

// touchesView is the offline touches page: the upload form (the write
// scope), and after an upload its result or what is wrong with the file.
type touchesView struct {
	CanUpload bool
	MaxMB     string
	MaxRows   int
	Channels  []string // the form's choices
	Form      touchForm
	Error     string          // the file as a whole could not be imported
	Field     string          // the form's field the error is about (file, channel, date)
	Result    *offline.Result // the import just done
	Errors    []offline.RowError
	More      int // row errors not shown
	// Restored are the cells whose leading zero Excel dropped, given
	// back (a Japanese team's), and MoreRestored those not shown.
	Restored     []identity.Restored
	MoreRestored int
}

// maxShownTouchErrors bounds the row errors the page lists.
const maxShownTouchErrors = 100

// touchesPage is the form to import a list of offline touches. Only for a
// browser: an API client posts text/csv to POST /admin/touches, and a GET
// of it answers as any address without a page does.
func (h *Handler) touchesPage(w http.ResponseWriter, r *http.Request) {
	if !wantsHTML(r) {
		h.noSuchPage(w, r)
		return
	}
	h.Require(ScopeRead, func(w http.ResponseWriter, r *http.Request) {
		h.renderTouches(w, r, http.StatusOK, touchesView{})
	}).ServeHTTP(w, r)
}

func (h *Handler) renderTouches(w http.ResponseWriter, r *http.Request, status int, v touchesView) {
	v.CanUpload, v.MaxMB, v.MaxRows = canWrite(r), megabytes(h.maxUpload()), offline.MaxRows
	v.Channels = []string{event.ChannelExhibition, event.ChannelSeminar, event.ChannelWebinar, event.ChannelBusinessCard}
	h.render(w, r, status, "touches", "Offline touches", "", "touches", v)
}

// uploadTouches takes the page's form: the CSV (field file) and the
// channel, event and date the API takes as query parameters; the answer
// is the page with the result (the counts, each row not imported and
// why, in the page's language). A client that is no browser gets the
// API's JSON.
func (h *Handler) uploadTouches(w http.ResponseWriter, r *http.Request) {
	const chooseOne = "Choose one CSV file of offline touches."
	var problem, why string                                  // why: the audit trail's word for the refusal
	if err := parseUpload(w, r, h.maxUpload()); err != nil { // parsed already unless the CSRF token came in the header
		status, msg := formError(err)
		if status == http.StatusRequestEntityTooLarge {
			auditResult(w, audit.ResultRefused, auditWhy["upload:large"])
			h.pageOrJSON(w, r, status, touchesView{Error: msg, Field: "file"}, msg)
			return
		}
		problem, why = chooseOne, "upload:none"
	}
	form := touchForm{Channel: strings.TrimSpace(r.PostFormValue("channel")), Event: strings.TrimSpace(r.PostFormValue("event")), Date: strings.TrimSpace(r.PostFormValue("date"))}
	var f multipart.File
	if problem == "" {
		var err error
		switch f, err = h.uploadedFile(r, "file"); {
		case errors.Is(err, errNotOneFile):
			problem, why = chooseOne, "upload:none"
		case errors.Is(err, errFileTooLarge):
			problem, why = fileTooLarge(h.maxUpload()), "upload:large"
		case err != nil:
			h.fail(w, r, err)
			return
		}
	}
	if problem != "" {
		auditResult(w, audit.ResultRefused, auditWhy[why])
		h.pageOrJSON(w, r, http.StatusBadRequest, touchesView{Form: form, Error: problem, Field: "file"}, problem)
		return
	}
	defer f.Close()
	res, err := h.Touches.Import(r.Context(), f, offline.Defaults{Event: form.Event, Date: form.Date, Channel: form.Channel})
	var fe *offline.FileError
	switch {
	case errors.As(err, &fe):
		auditResult(w, audit.ResultRefused, auditWhy["upload:unreadable"])
		h.pageOrJSON(w, r, http.StatusBadRequest, touchesView{Form: form, Error: fe.Msg, Field: touchField(form, h.loc())}, fe.Msg)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	if !wantsHTML(r) {
		httpx.JSON(w, http.StatusOK, res)
		return
	}
	v := touchesView{Form: form, Result: &res, Errors: res.Errors}
	if len(v.Errors) > maxShownTouchErrors {
		v.Errors, v.More = v.Errors[:maxShownTouchErrors], len(v.Errors)-maxShownTouchErrors
	}
	if v.Restored = res.Restored; len(v.Restored) > maxShownTouchErrors {
		v.Restored, v.MoreRestored = v.Restored[:maxShownTouchErrors], len(v.Restored)-maxShownTouchErrors
	}
	h.renderTouches(w, r, http.StatusOK, v)
}

// pageOrJSON answers a refused upload: the page saying what is wrong, or
// the API's JSON error to a client that is no browser.
func (h *Handler) pageOrJSON(w http.ResponseWriter, r *http.Request, status int, v touchesView, msg string) {
	if !wantsHTML(r) {
		httpx.Error(w, status, msg)
		return
	}
	h.renderTouches(w, r, status, v)
}

// touchField is the form's field a refused import is about: the channel
// or the date the form gave for rows without one, when it is one Import
// refuses (it checks them first), else the file.
func touchField(form touchForm, loc *time.Location) string {
	if form.Channel != "" && offline.Channel(form.Channel) == "" {
		return "channel"
	}
	if form.Date != "" {
		if _, err := offline.ParseDate(form.Date, loc); err != nil {
			return "date"
		}
	}
	return "file"
}
