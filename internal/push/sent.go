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
// alone. What the person changed since (a new form) is still written, the
// newest word on it.

// sentHashes are the short hashes of a lead's attribute values, as a
// delivery keeps them.
func sentHashes(attrs map[string]string) map[string]string {
	out := make(map[string]string, len(attrs))
	for k, v := range attrs {
		if v = strings.TrimSpace(v); v != "" {
			sum := sha256.Sum256([]byte(v))
			out[k] = hex.EncodeToString(sum[:8])
		}
	}
	return out
}

// lastSent are the hashes of the attributes last delivered to each
// connector for a person (the latest delivered record with them, of
// another MQL than mqlID), by connector name.
func lastSent(ctx context.Context, t table.Table, person, mqlID string) (map[string]map[string]string, error) {
	items, err := t.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: "DLV#"})
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	at := map[string]Delivery{}
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return nil, err
		}
		if d.MQLID == mqlID || d.Status != StatusDelivered || d.Sent == nil {
			continue
		}
		if prev, ok := at[d.Connector]; !ok || d.At.After(prev.At) {
			at[d.Connector], out[d.Connector] = d, d.Sent
		}
	}
	return out, nil
}

// unchanged are the attributes of attrs whose value is the one sent (by
// its hash); nil when nothing was sent.
func unchanged(attrs, sent map[string]string) map[string]bool {
	if len(sent) == 0 {
		return nil
	}
	now := sentHashes(attrs)
	out := map[string]bool{}
	for k, h := range now {
		if sent[k] == h {
			out[k] = true
		}
	}
	return out
}
