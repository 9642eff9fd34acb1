package qualify

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func sampleRecord() Record {
	at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	return Record{
		Person: "p_000000000000000000000001", State: json.RawMessage(`"r2:AQID"`), Stage: StageMQL, Cycle: 2,
		Verdict: Verdict{Behaviour: 41.5, Fit: 30, Grade: "B", BANT: 2, Condition: "hot", Facts: []string{"score 41.5"},
			FitRules: []Contribution{{Rule: "title", Kind: "fit", Delta: 30}}},
		Rules: "acme-1", UpdatedAt: at, MQLAt: at, Touches: []Touch{{At: at, Channel: "direct", EventID: "e1"}},
		Pending: []Contribution{{Rule: "page-view", Kind: "behaviour", EventID: "e1", EventType: "page_view", URL: "https://x.example/", Delta: 1, At: at}},
		Gen:     3,
	}
}

// The stored form gives back the record it was made of, the state byte
// for byte; a record stored as one JSON object (the first layout) reads
// the same.
func TestRecordRoundTrip(t *testing.T) {
	for _, rec := range []Record{sampleRecord(), {Person: "p_000000000000000000000002", Stage: StageLead}} {
		got, err := decodeRecord(encodeRecord(rec))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, rec) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, rec)
		}
		legacy, _ := json.Marshal(rec)
		old, err := decodeRecord(legacy)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(old, rec) {
			t.Fatalf("JSON record:\n got %+v\nwant %+v", old, rec)
		}
	}
}

func TestRecordCorrupt(t *testing.T) {
	good := encodeRecord(sampleRecord())
	for name, data := range map[string][]byte{
		"empty":          {},
		"length only":    {recordBinary},
		"state too long": append([]byte{recordBinary, 0xff, 0xff, 0x7f}, good[2:]...),
		"cut":            good[:len(good)-5],
		"not json":       []byte("nope"),
	} {
		if _, err := decodeRecord(data); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord(sampleRecord()))
	legacy, _ := json.Marshal(sampleRecord())
	f.Add(legacy)
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := decodeRecord(data)
		if err != nil {
			return
		}
		// What decodes encodes to a form that decodes to the same record
		// (empty and absent lists alike: JSON's omitempty).
		stored := encodeRecord(rec)
		again, err := decodeRecord(stored)
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if !bytes.Equal(encodeRecord(again), stored) || !bytes.Equal(again.State, rec.State) {
			t.Fatalf("re-encoded record differs:\n got %+v\nwant %+v", again, rec)
		}
	})
}
