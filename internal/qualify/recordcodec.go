package qualify

import (
	"encoding/binary"
	"encoding/json"
	"errors"
)

// The score record is stored as a format byte, the engine state verbatim
// (length first), then the rest of the record as JSON. The state is most
// of a long-history person's record: kept out of the JSON, it is neither
// validated, escaped nor copied on every read and write of the score path.
// Records stored as one JSON object (the first layout) are still read.
const recordBinary = 0x01

// encodeRecord is a record's stored form.
func encodeRecord(r Record) []byte {
	state := r.State
	r.State = nil
	rest, _ := json.Marshal(r)
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(state)+len(rest))
	b = append(b, recordBinary)
	b = binary.AppendUvarint(b, uint64(len(state)))
	b = append(b, state...)
	return append(b, rest...)
}

// decodeRecord reads a stored record, of either layout.
func decodeRecord(data []byte) (Record, error) {
	var r Record
	if len(data) == 0 || data[0] != recordBinary {
		err := json.Unmarshal(data, &r)
		return r, err
	}
	n, k := binary.Uvarint(data[1:])
	if k <= 0 || n > uint64(len(data)-1-k) {
		return r, errors.New("qualify: corrupt score record")
	}
	state := data[1+k : 1+k+int(n)]
	if err := json.Unmarshal(data[1+k+int(n):], &r); err != nil {
		return r, err
	}
	if n > 0 {
		r.State = json.RawMessage(state)
	}
	return r, nil
}
