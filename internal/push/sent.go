package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// Sales correct what a lead's record says (a company's name, a title, a
// phone number) in their SFA. A later MQL of the person hands the lead over
// again, and writing every attribute again would put back what sales
// corrected. So each delivery remembers what it sent (Delivery.Sent: a
// short hash of each attribute's value), and the next MQL's lead tells the
// connector which attributes are still what that SFA was last sent
// (Lead.Unchanged): a connector updating a record leaves their fields
// alone. What the person changed since (a new form) is written only over
// a field sales left alone: empty, or still what Baton handed the SFA last
// (Lead.SalesOwn); a value sales typed there stays, and the connector tells
// sales what the person now gives, beside it.

// SentHashes are the short hashes of a lead's attribute values, as a
// delivery keeps them.
func SentHashes(attrs map[string]string) map[string]string {
	out := make(map[string]string, len(attrs))
	for k, v := range attrs {
		if v = strings.TrimSpace(v); v != "" {
			out[k] = sentHash(v)
		}
	}
	return out
}

func sentHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:8])
}

// SalesOwn reports whether cur, the value the SFA's record holds now in
// the field of attr, is sales' own, to be left as it is rather than
// written with want, what the lead would write there: it is not blank, not
// want (itself not blank), and not what Baton handed this SFA for attr with the person's
// previous MQL (sales changed it since, or typed it on a record Baton had
// not written it to). Values are compared trimmed, as the SFAs keep them.
//
// A value Baton wrote in another form than the attribute's (a picklist's
// code, a name less its first name, a cut) is not known by its hash: it
// counts as sales', so the SFA keeps it and sales are told the new one.
func (l Lead) SalesOwn(attr, cur, want string) bool {
	// A blank want writes nothing: there is no new value for sales to
	// weigh (a connector listing it would tell them the person now gives
	// an empty one).
	cur, want = strings.TrimSpace(cur), strings.TrimSpace(want)
	if cur == "" || want == "" || cur == want {
		return false
	}
	h, ok := l.Last[attr]
	return !ok || h != sentHash(cur)
}

// lastSent are, of another MQL than mqlID, by connector name: the latest
// delivered records of each connector for a person that kept the hashes
// of the attributes delivered (Sent), and the record the latest delivery
// went on, Sent or not (a lead with no attributes keeps no hashes, and
// its next MQL must still find its record: HubSpot's contact made without
// an email has nothing else to be found by).
func lastSent(ctx context.Context, t table.Table, person, mqlID string) (sent map[string]Delivery, record map[string]string, err error) {
	items, err := t.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: "DLV#"})
	if err != nil {
		return nil, nil, err
	}
	sent, latest := map[string]Delivery{}, map[string]Delivery{}
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return nil, nil, err
		}
		if d.MQLID == mqlID || d.Status != StatusDelivered {
			continue
		}
		if prev, ok := latest[d.Connector]; !ok || d.At.After(prev.At) {
			latest[d.Connector] = d
		}
		if d.Sent == nil {
			continue
		}
		if prev, ok := sent[d.Connector]; !ok || d.At.After(prev.At) {
			sent[d.Connector] = d
		}
	}
	record = make(map[string]string, len(latest))
	for c, d := range latest {
		record[c] = d.ExternalID
	}
	return sent, record, nil
}

// unchanged are the attributes of attrs whose value is the one sent (by
// its hash); nil when nothing was sent.
func unchanged(attrs, sent map[string]string) map[string]bool {
	if len(sent) == 0 {
		return nil
	}
	now := SentHashes(attrs)
	out := map[string]bool{}
	for k, h := range now {
		if sent[k] == h {
			out[k] = true
		}
	}
	return out
}
