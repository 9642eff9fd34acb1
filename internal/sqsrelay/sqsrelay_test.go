package sqsrelay

import (
	"context"
	"strings"
	"testing"
)

// TestNewRefusesWhatIsNotAQueueURL: the score function builds its relay
// from BATON_PUSH_QUEUE_URL at start-up. Missing, or given the queue's name
// or ARN (what an operator wiring the stack by hand often pastes), the
// function used to start and fail every SendMessage: each stream batch
// holding an MQL failed, was retried ten times and went to the score
// failure queue, its MQLs never delivered. Start-up refuses it now.
func TestNewRefusesWhatIsNotAQueueURL(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	ctx := context.Background()
	for _, bad := range []string{
		"",
		"baton-push",
		"arn:aws:sqs:us-east-1:123456789012:baton-push",
		"https://sqs.us-east-1.amazonaws.com/baton-push",
		"https://sqs.us-east-1.amazonaws.com/123456789012/baton-push/x",
		"sqs.us-east-1.amazonaws.com/123456789012/baton-push",
	} {
		if _, err := New(ctx, bad); err == nil {
			t.Errorf("New(%q) accepted it", bad)
		}
	}
	for _, good := range []string{
		"https://sqs.us-east-1.amazonaws.com/123456789012/baton-push",
		"http://127.0.0.1:5000/123456789012/baton-push", // moto, DynamoDB Local's neighbours
	} {
		if _, err := New(ctx, good); err != nil {
			t.Errorf("New(%q): %v", good, err)
		}
	}
}

// TestQueueURLNamesTheVariable: the functions read their queues with
// QueueURL, whose refusal names the variable.
func TestQueueURLNamesTheVariable(t *testing.T) {
	env := map[string]string{"BATON_PUSH_DLQ_URL": "baton-push-dlq", "BATON_PUSH_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/baton-push"}
	if _, err := QueueURL(func(k string) string { return env[k] }, "BATON_SCORE_FAILURE_QUEUE_URL"); err == nil || !strings.Contains(err.Error(), "BATON_SCORE_FAILURE_QUEUE_URL: required") {
		t.Errorf("missing: %v", err)
	}
	if _, err := QueueURL(func(k string) string { return env[k] }, "BATON_PUSH_DLQ_URL"); err == nil || !strings.Contains(err.Error(), `BATON_PUSH_DLQ_URL: "baton-push-dlq" is not a queue URL`) {
		t.Errorf("a name: %v", err)
	}
	if got, err := QueueURL(func(k string) string { return env[k] }, "BATON_PUSH_QUEUE_URL"); err != nil || got != env["BATON_PUSH_QUEUE_URL"] {
		t.Errorf("a URL: %q, %v", got, err)
	}
}

// TestDeadLetterReasonIsAnAttributeSQSTakes: the reason is a String
// message attribute, which SQS refuses empty or holding characters a
// message body may not (a control character in an SFA's error text): the
// dead letter was refused and the message went on retrying. A byte cut at
// 1,000 split a Japanese character of kintone's message. Now each refused
// character is U+FFFD and the cut falls between characters.
func TestDeadLetterReasonIsAnAttributeSQSTakes(t *testing.T) {
	long := strings.Repeat("あ", 400) // 1,200 bytes: the 1,000-byte cut falls inside the 334th
	for in, want := range map[string]string{
		"kintone: 520 GAIA_ZZ99: \x1b[31m失敗\x00": "kintone: 520 GAIA_ZZ99: \uFFFD[31m失敗\uFFFD",
		"tab\tand\r\nlines":                      "tab\tand\r\nlines",
		"bad utf-8 \xff\xfe":                     "bad utf-8 \uFFFD",
		"":                                       "(no reason given)",
		long:                                     strings.Repeat("あ", 333),
		"\uFFFF and \U0001F600":                  "\uFFFD and \U0001F600",
	} {
		if got := attributeText(in, 1000); got != want {
			t.Errorf("attributeText(%q) = %q, want %q", in, got, want)
		}
	}
}
