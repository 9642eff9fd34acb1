package account_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/account"
)

// TestMQAMessageNamesNobody: an MQA's queue message is its id, whatever
// the account's size: 500 members made a message past SQS's 256 KiB, and
// an SQS message cannot be rewritten when one of them is erased. Delivery
// reads the stored MQA by the id.
func TestMQAMessageNamesNobody(t *testing.T) {
	m := account.MQA{ID: "acct-1-q1-20261124010000", Account: "acct-1"}
	for i := range 500 {
		m.People = append(m.People, account.Member{Email: fmt.Sprintf("member%03d@maker.example", i), Name: strings.Repeat("名", 100)})
	}
	b, err := json.Marshal(m.Message())
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 200 || strings.Contains(string(b), "@") {
		t.Fatalf("message of %d bytes: %.200s", len(b), b)
	}
	if red, ok := account.RedactMessage(b); !ok || string(red) != string(b) {
		t.Fatalf("not the redacted shape: %s vs %s", b, red)
	}
}
