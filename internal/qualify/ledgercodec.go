package qualify

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/baton-hq/baton/internal/sortkey"
)

// A ledger entry is stored as a format byte, its five strings (length
// first), the delta's bits and its time (UTC seconds and nanoseconds, a
// leading 0 for none): a rescore writes a person's whole ledger and the
// score path a batch's entries, without JSON. Entries stored as JSON (the
// first layout) are still read.
const ledgerBinary = 0x01

func encodeContribution(c Contribution) []byte {
	b := make([]byte, 0, 32+len(c.Rule)+len(c.Kind)+len(c.EventID)+len(c.EventType)+len(c.URL))
	b = append(b, ledgerBinary)
	for _, s := range [...]string{c.Rule, c.Kind, c.EventID, c.EventType, c.URL} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.Delta))
	if c.At.IsZero() {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendVarint(b, c.At.Unix())
	return binary.AppendUvarint(b, uint64(c.At.Nanosecond()))
}

var errLedger = errors.New("qualify: corrupt ledger entry")

func decodeContribution(data []byte) (Contribution, error) {
	var c Contribution
	if len(data) == 0 || data[0] != ledgerBinary {
		err := json.Unmarshal(data, &c)
		return c, err
	}
	b := data[1:]
	for _, s := range [...]*string{&c.Rule, &c.Kind, &c.EventID, &c.EventType, &c.URL} {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return c, errLedger
		}
		*s, b = string(b[k:k+int(n)]), b[k+int(n):]
	}
	if len(b) < 9 {
		return c, errLedger
	}
	c.Delta, b = math.Float64frombits(binary.LittleEndian.Uint64(b)), b[8:]
	switch has := b[0]; {
	case has == 0 && len(b) == 1:
		return c, nil
	case has != 1:
		return c, errLedger
	}
	sec, k := binary.Varint(b[1:])
	if k <= 0 {
		return c, errLedger
	}
	ns, k2 := binary.Uvarint(b[1+k:])
	if k2 <= 0 || ns >= 1e9 || 1+k+k2 != len(b) {
		return c, errLedger
	}
	c.At = time.Unix(sec, int64(ns)).UTC()
	return c, nil
}

// ledgerSK is an entry's sort key in its generation: its time (sortkey's,
// to the nanosecond; entries of before spelled RFC 3339 and sort first in
// their second), event and place among the event's entries.
func ledgerSK(gen int, at time.Time, event string, n int) string {
	b := make([]byte, 0, 64+len(event))
	b = append(b, ledgerPrefix(gen)...)
	b = sortkey.Append(b, at)
	b = append(b, '#')
	b = append(b, event...)
	b = append(b, '#')
	if n < 10 {
		b = append(b, '0')
	}
	return string(strconv.AppendInt(b, int64(n), 10))
}
