// Package streams turns DynamoDB Streams records, as Lambda delivers them,
// back into table items, so stream consumers work with the same repository
// code as everything else. It relies on dynamotable's attribute layout (PK,
// SK, kind, doc, ver, exp, c_<counter>).
package streams

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/table"
)

// Item decodes a record's new image (old image for a REMOVE).
func Item(rec events.DynamoDBEventRecord) (table.Item, error) {
	img := rec.Change.NewImage
	if rec.EventName == "REMOVE" || len(img) == 0 {
		img = rec.Change.OldImage
	}
	if len(img) == 0 {
		img = rec.Change.Keys
	}
	return FromImage(img)
}

// FromImage decodes one item image.
func FromImage(img map[string]events.DynamoDBAttributeValue) (it table.Item, err error) {
	defer func() {
		// The events package panics on a type mismatch; a malformed record
		// must become an error for that record only.
		if r := recover(); r != nil {
			err = fmt.Errorf("streams: malformed image: %v", r)
		}
	}()
	str := func(name string) string {
		if v, ok := img[name]; ok && v.DataType() == events.DataTypeString {
			return v.String()
		}
		return ""
	}
	num := func(name string) (int64, bool) {
		v, ok := img[name]
		if !ok || v.DataType() != events.DataTypeNumber {
			return 0, false
		}
		n, err := strconv.ParseInt(v.Number(), 10, 64)
		return n, err == nil
	}
	it.PK, it.SK, it.Kind = str("PK"), str("SK"), str("kind")
	if it.PK == "" || it.SK == "" {
		return table.Item{}, fmt.Errorf("streams: image without PK/SK")
	}
	if v, ok := img["doc"]; ok {
		switch v.DataType() {
		case events.DataTypeBinary:
			it.Data = v.Binary()
		case events.DataTypeString:
			it.Data = []byte(v.String())
		}
	}
	if n, ok := num("ver"); ok {
		it.Version = n
	}
	if n, ok := num("exp"); ok && n > 0 {
		it.Expires = time.Unix(0, n)
	}
	for name := range img {
		if c, ok := strings.CutPrefix(name, "c_"); ok {
			if n, ok := num(name); ok {
				if it.Counters == nil {
					it.Counters = map[string]int64{}
				}
				it.Counters[c] = n
			}
		}
	}
	return it, nil
}
