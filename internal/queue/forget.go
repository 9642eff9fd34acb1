package queue

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// About reports whether a message is about the person: its id starts with
// their person id (the push queue's ids are MQL ids, <person>-c<cycle>), or
// its body names them (privacy.Mentions).
func About(m Message, s privacy.Subject) bool {
	return s.Person != "" && strings.HasPrefix(m.ID, s.Person) || privacy.Mentions(m.Body, s)
}

// Forget implements privacy.Forgetter: every message about the person
// (About), waiting, leased or dead, with its ready-index and dead-letter
// entries.
func (q *Queue) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	ids := map[string]bool{}
	var msgs []table.Item
	type redaction struct {
		it   table.Item
		body json.RawMessage
	}
	var redacted []redaction
	after := ""
	for {
		items, err := q.T.Query(ctx, table.Query{PK: q.pk(), Prefix: "M#", After: after, Limit: 200, Consistent: true})
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			break
		}
		for _, it := range items {
			var m Message
			if err := json.Unmarshal(it.Data, &m); err != nil {
				m = Message{ID: strings.TrimPrefix(it.SK, "M#"), Body: it.Data}
			}
			if !About(m, s) {
				continue
			}
			if q.Redact != nil {
				if body, ok := q.Redact(m); ok {
					redacted = append(redacted, redaction{it, body})
					continue
				}
			}
			ids[strings.TrimPrefix(it.SK, "M#")] = true
			msgs = append(msgs, it)
		}
		after = items[len(items)-1].SK
	}
	r := privacy.Removed{}
	for _, x := range redacted {
		n, err := q.redact(ctx, x.it, x.body)
		r.Add("qredacted", n)
		if err != nil {
			return r, err
		}
	}
	if len(ids) == 0 {
		return r, nil
	}
	// The index entries first, the messages last: a retry finds what is
	// left from the messages (and Receive drops an entry without one).
	n, err := privacy.DeleteQuery(ctx, q.T, table.Query{PK: q.readyPK()}, func(it table.Item) bool {
		_, id, _ := strings.Cut(it.SK, "#")
		return ids[id]
	})
	r.Merge(n)
	if err != nil {
		return r, err
	}
	n, err = privacy.DeleteQuery(ctx, q.T, table.Query{PK: q.deadPK()}, func(it table.Item) bool { return ids[it.SK] })
	r.Merge(n)
	if err != nil {
		return r, err
	}
	n, err = privacy.DeleteItems(ctx, q.T, msgs)
	r.Merge(n)
	return r, err
}

// redact rewrites a message's body, keeping its place in the queue; a
// message changed meanwhile (leased, retried) is read again, one gone is
// done. It returns 1 when it rewrote the message.
func (q *Queue) redact(ctx context.Context, it table.Item, body json.RawMessage) (int, error) {
	for range 10 {
		var m Message
		if err := json.Unmarshal(it.Data, &m); err != nil {
			return 0, err
		}
		m.Body = body
		data, _ := json.Marshal(m)
		err := q.T.Put(ctx, table.Item{PK: it.PK, SK: it.SK, Kind: it.Kind, Data: data, Expires: it.Expires}, table.VersionIs(it.Version))
		if err == nil {
			return 1, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return 0, err
		}
		if it, err = q.T.Get(ctx, it.PK, it.SK); errors.Is(err, table.ErrNotFound) {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
	}
	return 0, errors.New("queue: too much contention redacting a message")
}
