package bolttable

import (
	"encoding/binary"
	"encoding/json"
	"errors"
)

// Records and feed entries are stored in a compact binary form: a format
// byte, then varints and length-prefixed strings. Item data goes in as is
// (JSON records carried it base64-encoded, and encoding and decoding that
// was much of what a write and the feed consumer spent). Files written
// before hold JSON (first byte '{'), which is still read.
const binary1 = 0x01

var errCorrupt = errors.New("bolttable: corrupt record")

func (r record) encode() []byte { return r.append(make([]byte, 0, r.size())) }

// size bounds the encoded record's length.
func (r record) size() int {
	n := 1 + 4*binary.MaxVarintLen64 + len(r.Kind) + len(r.Data)
	for name := range r.Counters {
		n += len(name) + 2*binary.MaxVarintLen64
	}
	return n
}

func (r record) append(b []byte) []byte {
	b = append(b, binary1)
	b = binary.AppendVarint(b, r.Version)
	b = binary.AppendVarint(b, r.Expires)
	b = appendBytes(b, []byte(r.Kind))
	b = appendBytes(b, r.Data)
	b = binary.AppendUvarint(b, uint64(len(r.Counters)))
	for name, v := range r.Counters {
		b = appendBytes(b, []byte(name))
		b = binary.AppendVarint(b, v)
	}
	return b
}

// decodeRecord reads a stored record; its data is a copy (bbolt's memory
// is valid only inside the transaction).
func decodeRecord(v []byte) (record, error) {
	if len(v) > 0 && v[0] == '{' {
		var r record
		err := json.Unmarshal(v, &r)
		return r, err
	}
	d := decoder{b: v}
	r := d.record()
	if d.err != nil {
		return record{}, d.err
	}
	return r, nil
}

// appendHeader appends what precedes the record in an entry.
func (e feedEntry) appendHeader(b []byte) []byte {
	b = append(b, binary1)
	b = appendBytes(b, []byte(e.Op))
	b = appendBytes(b, []byte(e.PK))
	return appendBytes(b, []byte(e.SK))
}

func (e feedEntry) headerSize() int {
	return 1 + 3*binary.MaxVarintLen64 + len(e.Op) + len(e.PK) + len(e.SK)
}

func decodeFeed(v []byte) (feedEntry, error) {
	var e feedEntry
	if len(v) > 0 && v[0] == '{' {
		err := json.Unmarshal(v, &e)
		return e, err
	}
	d := decoder{b: v}
	if d.byte() != binary1 {
		return e, errCorrupt
	}
	e.Op, e.PK, e.SK = d.string(), d.string(), d.string()
	e.Item = d.record()
	return e, d.err
}

func appendBytes(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads the binary form; the first problem sticks in err.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	l, n := binary.Uvarint(d.b)
	if n <= 0 || l > uint64(len(d.b)-n) {
		d.fail()
		return nil
	}
	s := d.b[n : n+int(l)]
	d.b = d.b[n+int(l):]
	return s
}

func (d *decoder) string() string { return string(d.bytes()) }

func (d *decoder) record() record {
	if d.byte() != binary1 {
		d.fail()
		return record{}
	}
	r := record{Version: d.varint(), Expires: d.varint(), Kind: d.string()}
	if data := d.bytes(); len(data) > 0 {
		r.Data = append([]byte(nil), data...)
	}
	l, n := binary.Uvarint(d.b)
	if n <= 0 || l > uint64(len(d.b)) {
		d.fail()
		return record{}
	}
	d.b = d.b[n:]
	if l > 0 {
		r.Counters = make(map[string]int64, l)
		for i := uint64(0); i < l && d.err == nil; i++ {
			name := d.string()
			r.Counters[name] = d.varint()
		}
	}
	return r
}
