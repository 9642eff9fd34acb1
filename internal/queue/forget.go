package queue

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// About reports whether a message is about the person: its id starts with
// their person id (the push queue's ids are MQL ids, <person>-c<cycle>), or
// its body names them (privacy.Mentions).
func About(m Message, s privacy.Subject) bool {
	return s.Person != "" && strings.HasPrefix(m.ID, s.Person) || privacy.Mentions(m.Body, s)
}

// redaction is a message Forget rewrites (Redact) rather than deletes.
type redaction struct {
	it   table.Item
	body json.RawMessage
}

// found is what Forget removes or rewrites of a person, and Disclose
// shows: one finding for both, so they cannot drift.
type found struct {
	ids      map[string]bool // ids of the messages deleted
	msgs     []table.Item    // the messages deleted
	redacted []redaction
}

// readyOf and deadOf match the ready-index and dead-letter entries of the
// messages deleted.
func (f found) readyOf(it table.Item) bool {
	_, id, _ := strings.Cut(it.SK, "#")
	return f.ids[id]
}

func (f found) deadOf(it table.Item) bool { return f.ids[it.SK] }

// find reads every message about the person (About), waiting, leased or
// dead: those Redact cuts down apart from those deleted.
func (q *Queue) find(ctx context.Context, s privacy.Subject) (found, error) {
	f := found{ids: map[string]bool{}}
	after := ""
	for {
		items, err := q.T.Query(ctx, table.Query{PK: q.pk(), Prefix: "M#", After: after, Limit: 200, Consistent: true})
		if err != nil {
			return f, err
		}
		if len(items) == 0 {
			return f, nil
		}
		for _, it := range items {
			m := decode(it)
			if !About(m, s) {
				continue
			}
			if q.Redact != nil {
				if body, ok := q.Redact(m); ok {
					f.redacted = append(f.redacted, redaction{it, body})
					continue
				}
			}
			f.ids[strings.TrimPrefix(it.SK, "M#")] = true
			f.msgs = append(f.msgs, it)
		}
		after = items[len(items)-1].SK
	}
}

// decode reads a stored message; one that is not a Message is its id and
// raw bytes.
func decode(it table.Item) Message {
	var m Message
	if err := json.Unmarshal(it.Data, &m); err != nil {
		m = Message{ID: strings.TrimPrefix(it.SK, "M#"), Body: it.Data}
	}
	return m
}

// Forget implements privacy.Forgetter: every message about the person
// (About), waiting, leased or dead, with its ready-index and dead-letter
// entries.
func (q *Queue) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	f, err := q.find(ctx, s)
	if err != nil {
		return nil, err
	}
	r := privacy.Removed{}
	for _, x := range f.redacted {
		n, err := q.redact(ctx, x.it, x.body)
		r.Add(KindRedacted, n)
		if err != nil {
			return r, err
		}
	}
	if len(f.ids) == 0 {
		return r, nil
	}
	// The index entries first, the messages last: a retry finds what is
	// left from the messages (and Receive drops an entry without one).
	n, err := privacy.DeleteQuery(ctx, q.T, table.Query{PK: q.readyPK()}, f.readyOf)
	r.Merge(n)
	if err != nil {
		return r, err
	}
	n, err = privacy.DeleteQuery(ctx, q.T, table.Query{PK: q.deadPK()}, f.deadOf)
	r.Merge(n)
	if err != nil {
		return r, err
	}
	n, err = privacy.DeleteItems(ctx, q.T, f.msgs)
	r.Merge(n)
	return r, err
}

// Disclose implements privacy.Discloser: what Forget removes or rewrites,
// kind for kind. A message is shown decoded (its body as JSON); a
// ready-index entry as the message id and when it is due; a dead-letter
// entry as the message id; a message Forget redacts (an MQA's, naming
// colleagues too) as Forget leaves it, under KindRedacted.
func (q *Queue) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	f, err := q.find(ctx, s)
	if err != nil {
		return nil, err
	}
	d := privacy.Disclosure{}
	for _, x := range f.redacted {
		// Its body names colleagues too: shown as Forget leaves it (the
		// person's part is the account's to show).
		if err := d.AddValue(KindRedacted, map[string]any{"id": strings.TrimPrefix(x.it.SK, "M#"), "message": x.body, "note": "names the person among colleagues: shown cut down, as an erasure leaves it"}); err != nil {
			return d, err
		}
	}
	if len(f.ids) == 0 {
		return d, nil
	}
	n, err := privacy.ShowQuery(ctx, q.T, table.Query{PK: q.readyPK()}, f.readyOf, showReady)
	d.Merge(n)
	if err != nil {
		return d, err
	}
	n, err = privacy.ShowQuery(ctx, q.T, table.Query{PK: q.deadPK()}, f.deadOf, func(it table.Item) (any, error) {
		return map[string]string{"queue": q.Name, "deadLetter": it.SK}, nil
	})
	d.Merge(n)
	if err != nil {
		return d, err
	}
	n, err = privacy.ShowItems(f.msgs, func(it table.Item) (any, error) { return shown(decode(it)), nil })
	d.Merge(n)
	return d, err
}

// KindRedacted counts the messages Forget cut down (Redact) instead of
// deleting.
const KindRedacted = "qredacted"

// shown is a message as a person reads it: its body JSON when it is JSON,
// else as text.
func shown(m Message) Message {
	if !json.Valid(m.Body) {
		m.Body, _ = json.Marshal(string(m.Body))
	}
	return m
}

// showReady is a ready-index entry: which message is due when.
func showReady(it table.Item) (any, error) {
	dueS, id, _ := strings.Cut(it.SK, "#")
	out := map[string]any{"message": id}
	if due, err := strconv.ParseInt(dueS, 10, 64); err == nil {
		out["due"] = time.Unix(0, due).UTC()
	}
	return out, nil
}

// redact rewrites a message's body, keeping its place in the queue; a
// message changed meanwhile (leased, retried) is read again, one gone is
// done. It returns 1 when it rewrote the message.
func (q *Queue) redact(ctx context.Context, it table.Item, body json.RawMessage) (int, error) {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
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
