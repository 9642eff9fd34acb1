package click

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// Items click keeps under the person's partition:
//
//	PK=P#<person>  SK=C#<campaign>#<unix ns>#<event id>  a click: client, visit, verdict; kept a day (visit.go)
//	PK=P#<person>  SK=CE#<event id>                      where a click or open naming the person is stored (and its campaign)
//	PK=CLICKDUE    SK=<due unix ns>#<person>#<event id>  a click waiting to be judged (Settle)
const (
	KindClick    = "click"
	KindEventRef = "clickref"

	eventRefPrefix = "CE#"
)

// gone reports a person who is unknown or erased: nothing to link.
func gone(err error) bool {
	return errors.Is(err, identity.ErrNotFound) || errors.Is(err, identity.ErrErased)
}

// Forget implements privacy.Forgetter for what tracked links keep of a
// person: their click memory, the clicks waiting to be judged, and every click and open event that names
// them, wherever it is stored (with the record of where).
func (h *Handler) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	if h.T == nil {
		return privacy.Removed{}, nil
	}
	pk := identity.PersonPK(s.Person)
	r, err := privacy.DeleteQuery(ctx, h.T, table.Query{PK: pk, Prefix: "C#"}, nil)
	if err != nil {
		return r, err
	}
	refs, err := h.T.Query(ctx, table.Query{PK: pk, Prefix: eventRefPrefix, Consistent: true})
	if err != nil {
		return r, err
	}
	for _, it := range refs {
		var ref struct {
			Visitor  string `json:"visitor"`
			Campaign string `json:"campaign"`
		}
		if json.Unmarshal(it.Data, &ref) == nil && ref.Campaign != "" {
			n, err := h.forgetActivity(ctx, ref.Campaign, strings.TrimPrefix(it.SK, eventRefPrefix))
			r.Merge(n)
			if err != nil {
				return r, err
			}
		}
		if json.Unmarshal(it.Data, &ref) == nil && ref.Visitor != "" {
			n, err := h.Events.DeleteEvents(ctx, ref.Visitor, strings.TrimPrefix(it.SK, eventRefPrefix))
			r.Merge(n)
			if err != nil {
				return r, err
			}
		}
	}
	n, err := privacy.DeleteItems(ctx, h.T, refs)
	r.Merge(n)
	if err != nil {
		return r, err
	}
	dues, err := h.dueOf(ctx, s.Person)
	if err != nil {
		return r, err
	}
	n, err = privacy.DeleteItems(ctx, h.T, dues)
	r.Merge(n)
	return r, err
}

// Disclose implements privacy.Discloser: what Forget removes, kind for
// kind, read the way Forget finds it: the click memory, the event
// references and through them each campaign record and stored click or
// open (read through the event log, decoded), and the clicks waiting to be
// judged.
func (h *Handler) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	d := privacy.Disclosure{}
	if h.T == nil {
		return d, nil
	}
	pk := identity.PersonPK(s.Person)
	// What a key holds is said too: the campaign of a click, the event a
	// reference is to (two references to one campaign read alike without).
	n, err := privacy.ShowQuery(ctx, h.T, table.Query{PK: pk, Prefix: "C#"}, nil, func(it table.Item) (any, error) {
		return withKeyFields(it, "campaign", campaignOfMemo(it.SK))
	})
	d.Merge(n)
	if err != nil {
		return d, err
	}
	refs, err := h.T.Query(ctx, table.Query{PK: pk, Prefix: eventRefPrefix, Consistent: true})
	if err != nil {
		return d, err
	}
	for _, it := range refs {
		var ref struct {
			Visitor  string `json:"visitor"`
			Campaign string `json:"campaign"`
		}
		if json.Unmarshal(it.Data, &ref) != nil {
			continue
		}
		id := strings.TrimPrefix(it.SK, eventRefPrefix)
		if ref.Campaign != "" {
			n, err := privacy.ShowQuery(ctx, h.T, activityQuery(ref.Campaign, id), nil, nil)
			d.Merge(n)
			if err != nil {
				return d, err
			}
		}
		if ref.Visitor != "" {
			// As DeleteEvents finds them: one gone counts nothing, one
			// that cannot be decoded is still shown (and erased).
			n, err := h.Events.ShowEventsByID(ctx, ref.Visitor, id)
			d.Merge(n)
			if err != nil {
				return d, err
			}
		}
	}
	n, err = privacy.ShowItems(refs, func(it table.Item) (any, error) {
		return withKeyFields(it, "event", strings.TrimPrefix(it.SK, eventRefPrefix))
	})
	d.Merge(n)
	if err != nil {
		return d, err
	}
	dues, err := h.dueOf(ctx, s.Person)
	if err != nil {
		return d, err
	}
	// A click waiting to be judged names its click by a key: shown as the
	// campaign and event it is.
	n, err = privacy.ShowItems(dues, func(it table.Item) (any, error) {
		var du due
		if err := json.Unmarshal(it.Data, &du); err != nil {
			return nil, err
		}
		_, ev, _ := strings.Cut(strings.TrimPrefix(du.Memo, memoPrefix(campaignOfMemo(du.Memo))), "#")
		m, err := withKeyFields(it, "campaign", campaignOfMemo(du.Memo), "event", ev)
		delete(m, "memo")
		return m, err
	})
	d.Merge(n)
	return d, err
}

// withKeyFields is an item's data with fields its key holds (name, value
// pairs).
func withKeyFields(it table.Item, kv ...string) (map[string]any, error) {
	m := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(it.Data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			m[kv[i]] = kv[i+1]
		}
	}
	return m, nil
}
