package identity

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TimelineCursor is where a page of a timeline ended: its last event's
// time and id (the timeline's order: newest first, then id descending).
type TimelineCursor struct {
	At time.Time
	ID string
}

// String encodes the cursor for a URL.
func (c TimelineCursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixNano(), 10) + "." + c.ID))
}

// ErrBadCursor is a cursor this package did not write.
var ErrBadCursor = errors.New("cursor must be the next value of a previous page")

// ParseTimelineCursor decodes a cursor from String.
func ParseTimelineCursor(s string) (TimelineCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 512 {
		return TimelineCursor{}, ErrBadCursor
	}
	ns, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return TimelineCursor{}, ErrBadCursor
	}
	return TimelineCursor{At: time.Unix(0, n).UTC(), ID: id}, nil
}

// after reports whether ev comes after the cursor in timeline order.
func (c TimelineCursor) after(ev event.Event) bool {
	return ev.Timestamp.Before(c.At) || ev.Timestamp.Equal(c.At) && ev.ID < c.ID
}

// TimelinePage returns up to limit events of the person's timeline after
// the cursor (nil: from the newest), and the cursor of the next page (nil
// on the last). It reads the person's whole timeline for each page: the
// events are stored by message id, not by time.
func (s *Stitcher) TimelinePage(ctx context.Context, person string, limit int, from *TimelineCursor) ([]event.Event, *TimelineCursor, error) {
	tl, err := s.Timeline(ctx, person, 0)
	if err != nil {
		return nil, nil, err
	}
	i := 0
	if from != nil {
		for i < len(tl) && !from.after(tl[i]) {
			i++
		}
	}
	end := len(tl)
	if limit > 0 && i+limit < end {
		end = i + limit
	}
	page := tl[i:end]
	if end == len(tl) || len(page) == 0 {
		return page, nil, nil
	}
	last := page[len(page)-1]
	return page, &TimelineCursor{At: last.Timestamp, ID: last.ID}, nil
}
