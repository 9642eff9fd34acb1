package queue

import (
	"context"
	"encoding/json"
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
			if About(m, s) {
				ids[strings.TrimPrefix(it.SK, "M#")] = true
				msgs = append(msgs, it)
			}
		}
		after = items[len(items)-1].SK
	}
	if len(ids) == 0 {
		return privacy.Removed{}, nil
	}
	// The index entries first, the messages last: a retry finds what is
	// left from the messages (and Receive drops an entry without one).
	r, err := privacy.DeleteQuery(ctx, q.T, table.Query{PK: q.readyPK()}, func(it table.Item) bool {
		_, id, _ := strings.Cut(it.SK, "#")
		return ids[id]
	})
	if err != nil {
		return r, err
	}
	n, err := privacy.DeleteQuery(ctx, q.T, table.Query{PK: q.deadPK()}, func(it table.Item) bool { return ids[it.SK] })
	r.Merge(n)
	if err != nil {
		return r, err
	}
	n, err = privacy.DeleteItems(ctx, q.T, msgs)
	r.Merge(n)
	return r, err
}
