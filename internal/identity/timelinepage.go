package identity

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
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

// after reports whether an event at this time with this id comes after
// the cursor in timeline order.
func (c TimelineCursor) after(at time.Time, id string) bool {
	return at.Before(c.At) || at.Equal(c.At) && id < c.ID
}

// TimelinePage returns up to limit events of the person's timeline after
// the cursor (nil: from the newest), and the cursor of the next page (nil
// on the last). Events are stored by message id, not by time, so each
// page reads the heads (time and id) of every event of the person's
// browsers, and decodes only the page's.
func (s *Stitcher) TimelinePage(ctx context.Context, person string, limit int, from *TimelineCursor) ([]event.Event, *TimelineCursor, error) {
	tl, err := s.heads(ctx, person, true)
	if err != nil {
		return nil, nil, err
	}
	i := 0
	if from != nil {
		for i < len(tl) && !from.after(tl[i].At, tl[i].ID) {
			i++
		}
	}
	end := len(tl)
	if limit > 0 && i+limit < end {
		end = i + limit
	}
	page, err := eventlog.DecodeHeads(tl[i:end])
	if err != nil {
		return nil, nil, err
	}
	if end == len(tl) || len(page) == 0 {
		return page, nil, nil
	}
	last := page[len(page)-1]
	return page, &TimelineCursor{At: last.Timestamp, ID: last.ID}, nil
}
