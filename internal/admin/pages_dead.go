package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/queue"
)

// DeadLetterCounter is a dead-letter store that counts its dead letters
// without reading them: the table's queue by one query of its dead
// partition's index items, the SQS queues by their approximate counts.
// The navigation shows the count on every page; a store without it shows
// none there.
type DeadLetterCounter interface {
	DeadCount(ctx context.Context) (int, error)
}

// DeadLetterPager is a dead-letter store that lists a page at a time, in
// the order the dead letters were given up, with their total: the table's
// queue by one query of its dead-letter index and a read per letter on
// the page, the SQS queues by a listing cut into pages
// (deadletter.Store.DeadPage says why SQS cannot do better). A store
// without it is listed whole and cut here.
type DeadLetterPager interface {
	DeadPage(ctx context.Context, q queue.DeadQuery) (queue.DeadPage, error)
}

// deadPage is the page q asks of the dead letters (none without delivery).
func (h *Handler) deadPage(ctx context.Context, q queue.DeadQuery) (queue.DeadPage, error) {
	if h.Deliveries == nil || h.Deliveries.Queue == nil {
		return queue.DeadPage{Messages: []queue.Message{}}, nil
	}
	if p, ok := h.Deliveries.Queue.(DeadLetterPager); ok {
		return p.DeadPage(ctx, q)
	}
	all, err := h.Deliveries.Queue.Dead(ctx)
	if err != nil {
		return queue.DeadPage{}, err
	}
	return queue.PageDead(all, q)
}

// deadRow is a dead letter as the MQL page shows it: whose hand-off it
// was (the person as the MQL list names them, with a link) and to which
// connectors it failed. An erased person's shows nothing of them.
type deadRow struct {
	M                            queue.Message
	Person, Name, Company, Email string
	Erased                       bool     // the MQL's person is no more: nothing of them is shown
	Account                      string   // an MQA's id (its account's hand-off)
	Connectors                   []string // the connectors its delivery is dead at
}

// GivenUp is when delivery gave up on it (givenUp).
func (r deadRow) GivenUp() time.Time { return givenUp(r.M) }

// deadAlert is the dashboard's warning of dead letters: how many, and
// since when the oldest has waited for a replay.
type deadAlert struct {
	Count  int
	Oldest time.Time // zero: not known (every one hidden by another reader)
}

// givenUp is when delivery gave up on a dead letter (queue.GivenUp).
func givenUp(m queue.Message) time.Time { return queue.GivenUp(m) }

// deadRows names each dead letter's person, by key: at most one person and
// one delivery record read a dead letter, as the MQL list reads its rows.
func (h *Handler) deadRows(ctx context.Context, dead []queue.Message) ([]deadRow, error) {
	out := make([]deadRow, 0, len(dead))
	for _, m := range dead {
		row := deadRow{M: m}
		var body struct {
			Person string `json:"person"`
			MQA    *struct {
				ID string `json:"id"`
			} `json:"mqa"`
		}
		json.Unmarshal(m.Body, &body) // a body that is not an MQL names nobody
		switch {
		case body.MQA != nil:
			row.Account = body.MQA.ID
		case body.Person != "" && h.People != nil:
			row.Person = body.Person
			p, err := h.People.Get(ctx, body.Person)
			if errors.Is(err, identity.ErrNotFound) {
				// Erased (or merged away): the message's copy of their
				// email is not shown, nor anything else of them.
				row.Erased = true
				break
			}
			if err != nil {
				return nil, err
			}
			row.Name, row.Company, row.Email = displayName(p.Attributes, p.Email), p.Attributes["company"], p.Email
			if h.Deliveries != nil && h.Deliveries.Status != nil {
				ds, err := h.Deliveries.Status(ctx, m.ID)
				if err != nil && !errors.Is(err, identity.ErrNotFound) {
					return nil, err
				}
				for _, d := range ds {
					if d.Status == push.StatusDead || (d.Status == push.StatusRemoved && d.Was == push.StatusDead) {
						row.Connectors = append(row.Connectors, d.Connector)
					}
				}
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// deadCount is the navigation's count of dead letters, for a signed-in
// page only, and only where it is cheap (DeadLetterCounter); 0 when it
// cannot be read: the navigation never fails a page.
func (h *Handler) deadCount(r *http.Request) int {
	if h.Deliveries == nil || h.Deliveries.Queue == nil || nav(r) == nil {
		return 0
	}
	c, ok := h.Deliveries.Queue.(DeadLetterCounter)
	if !ok {
		return 0
	}
	n, err := c.DeadCount(r.Context())
	if err != nil {
		h.log().Warn("admin: count dead letters", "err", err)
		return 0
	}
	return n
}

// deadAlertOf is the dashboard's alert: the cheap count first, and the
// listing (for the oldest's age) only when there is something to list,
// so that an empty DLQ costs the dashboard one count; nil for none.
func (h *Handler) deadAlertOf(ctx context.Context) (*deadAlert, error) {
	if h.Deliveries == nil || h.Deliveries.Queue == nil {
		return nil, nil
	}
	n := -1
	if c, ok := h.Deliveries.Queue.(DeadLetterCounter); ok {
		var err error
		if n, err = c.DeadCount(ctx); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, nil
		}
	}
	// The oldest alone: a page of one, not every dead letter read.
	p, err := h.deadPage(ctx, queue.DeadQuery{Limit: 1})
	if err != nil && n > 0 {
		// Counted, not listed (on SQS another reader's turn): the count
		// alone, its oldest unknown, rather than no alert.
		h.log().Warn("admin: list dead letters for the dashboard", "err", err)
		return &deadAlert{Count: n}, nil
	}
	if err != nil {
		return nil, err
	}
	a := &deadAlert{Count: max(n, p.Total)}
	for _, m := range p.Messages {
		a.Oldest = givenUp(m)
	}
	if a.Count == 0 {
		return nil, nil
	}
	return a, nil
}
