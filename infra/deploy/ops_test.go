package deploy

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/baton-hq/baton/internal/lambdafn"
)

// opsTemplate is template.yaml as yaml.Nodes, for the operations checks.
type opsTemplate struct {
	doc       *yaml.Node
	resources map[string]*yaml.Node // logical id -> resource
	order     []string
}

func loadOps(t *testing.T) *opsTemplate {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	o := &opsTemplate{doc: n.Content[0], resources: map[string]*yaml.Node{}}
	res := get(o.doc, "Resources")
	for i := 0; i+1 < len(res.Content); i += 2 {
		o.resources[res.Content[i].Value] = res.Content[i+1]
		o.order = append(o.order, res.Content[i].Value)
	}
	return o
}

// ofType lists the logical ids of one resource type, in template order.
func (o *opsTemplate) ofType(typ string) []string {
	var out []string
	for _, id := range o.order {
		if scalar(get(o.resources[id], "Type")) == typ {
			out = append(out, id)
		}
	}
	return out
}

// ref returns the name a !Ref (or {Ref: name}) node refers to.
func ref(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!Ref" {
		return n.Value
	}
	return scalar(get(n, "Ref"))
}

// getAtt returns "Resource.Attr" for a !GetAtt (short or long form).
func getAtt(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Tag == "!GetAtt" {
		if n.Kind == yaml.ScalarNode {
			return n.Value
		}
		var parts []string
		for _, c := range n.Content {
			parts = append(parts, c.Value)
		}
		return strings.Join(parts, ".")
	}
	if v := get(n, "Fn::GetAtt"); v != nil {
		if v.Kind == yaml.ScalarNode {
			return v.Value
		}
		var parts []string
		for _, c := range v.Content {
			parts = append(parts, c.Value)
		}
		return strings.Join(parts, ".")
	}
	return ""
}

// atoi is a template number, failing the test when it is none.
func atoi(t *testing.T, n *yaml.Node, what string) int {
	t.Helper()
	v, err := strconv.Atoi(scalar(n))
	if err != nil {
		t.Fatalf("%s: %q is not a number", what, scalar(n))
	}
	return v
}

// sub returns the string of a !Sub (or {Fn::Sub: string}).
func sub(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!Sub" {
		return n.Value
	}
	return scalar(get(n, "Fn::Sub"))
}

// alarmOn reports whether an alarm watches metric in namespace with a
// dimension whose value satisfies match.
func (o *opsTemplate) alarmOn(namespace, metric, dimension string, match func(*yaml.Node) bool) []string {
	var out []string
	for _, id := range o.ofType("AWS::CloudWatch::Alarm") {
		p := get(o.resources[id], "Properties")
		if scalar(get(p, "Namespace")) != namespace || scalar(get(p, "MetricName")) != metric {
			continue
		}
		dims := get(p, "Dimensions")
		if dims == nil {
			continue
		}
		for _, d := range dims.Content {
			if scalar(get(d, "Name")) == dimension && match(get(d, "Value")) {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// TestFunctionsHaveAlarmsAndLogGroups: every function has an Errors and a
// Throttles alarm and a log group /aws/lambda/<function> kept for
// LogRetentionDays.
func TestFunctionsHaveAlarmsAndLogGroups(t *testing.T) {
	o := loadOps(t)
	fns := o.ofType("AWS::Serverless::Function")
	if len(fns) == 0 {
		t.Fatal("no AWS::Serverless::Function in template.yaml")
	}
	if p := get(o.doc, "Parameters", "LogRetentionDays"); scalar(get(p, "Type")) != "Number" || scalar(get(p, "Default")) != "30" {
		t.Errorf("parameter LogRetentionDays: want a Number defaulting to 30")
	}
	for _, fn := range fns {
		isFn := func(n *yaml.Node) bool { return ref(n) == fn }
		for _, metric := range []string{"Errors", "Throttles"} {
			if len(o.alarmOn("AWS/Lambda", metric, "FunctionName", isFn)) == 0 {
				t.Errorf("%s has no %s alarm", fn, metric)
			}
		}
		var groups []string
		for _, id := range o.ofType("AWS::Logs::LogGroup") {
			p := get(o.resources[id], "Properties")
			if sub(get(p, "LogGroupName")) == "/aws/lambda/${"+fn+"}" {
				groups = append(groups, id)
				if r := ref(get(p, "RetentionInDays")); r != "LogRetentionDays" {
					t.Errorf("%s (log group of %s): RetentionInDays is not !Ref LogRetentionDays", id, fn)
				}
			}
		}
		if len(groups) != 1 {
			t.Errorf("%s: %d log groups named /aws/lambda/${%s}, want 1", fn, len(groups), fn)
		}
	}
}

// TestAlarms: the dead-letter queues' depth and age, the API's 5xx and the
// score stream's iterator age are watched, and every alarm notifies
// AlarmTopicArn when it is set (and nobody when it is empty).
func TestAlarms(t *testing.T) {
	o := loadOps(t)
	// Dead-letter queues: redrive targets and event source failure destinations.
	dlqs := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				if k == "deadLetterTargetArn" {
					dlqs[strings.TrimSuffix(getAtt(v), ".Arn")] = true
				}
				if k == "OnFailure" {
					if d := getAtt(get(v, "Destination")); d != "" {
						dlqs[strings.TrimSuffix(d, ".Arn")] = true
					}
				}
				walk(v)
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(get(o.doc, "Resources"))
	if len(dlqs) == 0 {
		t.Fatal("found no dead-letter queue in template.yaml")
	}
	for q := range dlqs {
		if scalar(get(o.resources[q], "Type")) != "AWS::SQS::Queue" {
			continue
		}
		isQ := func(n *yaml.Node) bool { return getAtt(n) == q+".QueueName" }
		if len(o.alarmOn("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", isQ)) == 0 {
			t.Errorf("dead-letter queue %s has no ApproximateNumberOfMessagesVisible alarm", q)
		}
		if _, ok := o.heldAlarm(t, isQ); !ok {
			t.Errorf("dead-letter queue %s has no alarm on letters held for hours", q)
		}
	}
	isAPI := func(n *yaml.Node) bool { return scalar(get(o.resources[ref(n)], "Type")) == "AWS::Serverless::HttpApi" }
	if len(o.alarmOn("AWS/ApiGateway", "5xx", "ApiId", isAPI)) == 0 {
		t.Error("no 5xx alarm on the HTTP API (AWS/ApiGateway 5xx, dimension ApiId)")
	}
	for _, fn := range o.ofType("AWS::Serverless::Function") {
		ev := get(o.resources[fn], "Properties", "Events")
		for i := 1; ev != nil && i < len(ev.Content); i += 2 {
			if scalar(get(ev.Content[i], "Type")) != "DynamoDB" {
				continue
			}
			if len(o.alarmOn("AWS/Lambda", "IteratorAge", "FunctionName", func(n *yaml.Node) bool { return ref(n) == fn })) == 0 {
				t.Errorf("%s reads a stream but has no IteratorAge alarm", fn)
			}
		}
	}
	for _, id := range o.ofType("AWS::CloudWatch::Alarm") {
		a := get(o.resources[id], "Properties", "AlarmActions")
		if a == nil || a.Tag != "!If" || len(a.Content) != 3 || a.Content[0].Value != "HasAlarmTopic" ||
			len(a.Content[1].Content) != 1 || ref(a.Content[1].Content[0]) != "AlarmTopicArn" || ref(a.Content[2]) != "AWS::NoValue" {
			t.Errorf("%s: AlarmActions must be !If [HasAlarmTopic, [!Ref AlarmTopicArn], !Ref AWS::NoValue]", id)
		}
	}
}

// mathAlarm is an alarm on a metric math expression over one metric.
type mathAlarm struct {
	id, expr, stat     string
	period, periods, n int // the metric's period, EvaluationPeriods, DatapointsToAlarm
}

// mathAlarmsOn lists the alarms whose metric math reads metric in
// namespace with a dimension whose value satisfies match.
func (o *opsTemplate) mathAlarmsOn(t *testing.T, namespace, metric, dimension string, match func(*yaml.Node) bool) []mathAlarm {
	var out []mathAlarm
	for _, id := range o.ofType("AWS::CloudWatch::Alarm") {
		p := get(o.resources[id], "Properties")
		ms := get(p, "Metrics")
		if ms == nil {
			continue
		}
		a := mathAlarm{id: id, periods: atoi(t, get(p, "EvaluationPeriods"), id+" EvaluationPeriods")}
		a.n = a.periods
		if dp := get(p, "DatapointsToAlarm"); dp != nil {
			a.n = atoi(t, dp, id+" DatapointsToAlarm")
		}
		found, mid := false, ""
		for _, m := range ms.Content {
			if e := scalar(get(m, "Expression")); e != "" && scalar(get(m, "ReturnData")) == "true" {
				a.expr = e
			}
			met := get(m, "MetricStat", "Metric")
			if met == nil || scalar(get(met, "Namespace")) != namespace || scalar(get(met, "MetricName")) != metric {
				continue
			}
			for _, d := range get(met, "Dimensions").Content {
				if scalar(get(d, "Name")) == dimension && match(get(d, "Value")) {
					found = true
					a.stat = scalar(get(m, "MetricStat", "Stat"))
					a.period = atoi(t, get(m, "MetricStat", "Period"), id+" Period")
					mid = scalar(get(m, "Id"))
				}
			}
		}
		if found {
			a.expr = strings.ReplaceAll(a.expr, mid, "$m")
			out = append(out, a)
		}
	}
	return out
}

// TestQueuesWhoseRetriesHideFailures: the push function reports a
// connector's failure per message and hides it for its backoff, so Lambda
// counts no error and SQS dead-letters it only after days. The oldest
// message's age cannot say so either: SQS leaves a message received three
// times out of it (standard queues, redrive policy or not). What stays is
// messages in flight: some at every one-minute sample for an hour, a
// minute SQS reports nothing for counting as none (FILL), since a period's
// Minimum is of the samples reported.
func TestQueuesWhoseRetriesHideFailures(t *testing.T) {
	o := loadOps(t)
	isQ := func(n *yaml.Node) bool { return getAtt(n) == "PushQueue.QueueName" }
	as := o.mathAlarmsOn(t, "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", isQ)
	if len(as) != 1 {
		t.Fatalf("alarms on the push queue's messages in flight: %v, want one", as)
	}
	a := as[0]
	if a.expr != "FILL($m, 0)" || a.stat != "Minimum" || a.period != 60 {
		t.Errorf("%s: %s of %s over %d s, want FILL(<in flight>, 0) of the Minimum a minute", a.id, a.expr, a.stat, a.period)
	}
	p := get(o.resources[a.id], "Properties")
	if th, op := scalar(get(p, "Threshold")), scalar(get(p, "ComparisonOperator")); th != "1" || op != "GreaterThanOrEqualToThreshold" {
		t.Errorf("%s: %s %s, want >= 1", a.id, op, th)
	}
	if d := a.period * a.periods; d < 3600 || d > 7200 || a.n != a.periods {
		t.Errorf("%s: %d of %d periods of %d s, want every minute of one to two hours", a.id, a.n, a.periods, a.period)
	}
	// The age alarm stays for a push function not reading its queue at all.
	if ids := o.alarmOn("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", isQ); len(ids) != 1 {
		t.Errorf("alarms on the push queue's oldest message: %v, want one", ids)
	}
}

// TestDeadLettersAddedAlarm: a dead-letter queue's depth alarm stays in
// ALARM while one message waits, and an alarm notifies only on a change of
// state, so each dead-letter queue has an alarm on letters added too, Sum
// >= 1 in 5 minutes. SQS's NumberOfMessagesSent says so only of a queue
// nothing but the failure's sender writes: the score failure queue (Lambda's
// on-failure destination: no function's code may send there). An erasure
// puts an MQA's push dead letter back redacted (the admin function's
// SendMessage), which is no new failure: DeadLettersAddedAlarm, on the push
// dead-letter queue's NumberOfMessagesSent, paged the on-call for each
// erasure of someone named in an MQA's dead letter. It counts the push
// function's log lines lambdafn.DeadLettered instead (a metric filter on
// its log group).
func TestDeadLettersAddedAlarm(t *testing.T) {
	o := loadOps(t)
	sumAtLeastOne := func(id string) {
		p := get(o.resources[id], "Properties")
		if st, th, op, per := scalar(get(p, "Statistic")), scalar(get(p, "Threshold")), scalar(get(p, "ComparisonOperator")), scalar(get(p, "Period")); st != "Sum" || th != "1" || op != "GreaterThanOrEqualToThreshold" || per != "300" {
			t.Errorf("%s: %s %s %s over %s s, want Sum >= 1 over 300", id, st, op, th, per)
		}
	}
	for _, q := range []string{"PushDeadLetterQueue", "ScoreFailureQueue"} {
		ids := o.alarmOn("AWS/SQS", "NumberOfMessagesSent", "QueueName", func(n *yaml.Node) bool { return getAtt(n) == q+".QueueName" })
		senders := o.codeSenders(q)
		switch {
		case len(senders) == 0 && len(ids) != 1:
			t.Errorf("%s: alarms on messages sent to it: %v, want one", q, ids)
		case len(senders) == 0:
			sumAtLeastOne(ids[0])
		case len(ids) != 0:
			t.Errorf("%s: %v alarm on messages sent to it, which the code of %v may send (an erasure's MQA put back redacted is no failure)", q, ids, senders)
		}
	}
	// The push dead letters: a metric filter on the push function's log
	// group counting the line it writes for each, which an alarm watches.
	if id := o.logLineAlarm(t, "PushLogGroup", lambdafn.DeadLettered); id != "" && id != "DeadLettersAddedAlarm" {
		t.Errorf("the push function's dead letters are counted by %s, want DeadLettersAddedAlarm", id)
	}
}

// TestScoreSkipsAlarmed: a stream record the score function cannot decode
// is skipped, logged and nothing else (no error, no retry, nothing in the
// score failure queue): what it carried is never scored, and no alarm
// said so. Its log line is counted, and alarmed on.
func TestScoreSkipsAlarmed(t *testing.T) {
	if id := loadOps(t).logLineAlarm(t, "ScoreLogGroup", lambdafn.RecordSkipped); id == "" {
		t.Error("no alarm on the score function's skipped records")
	}
}

// logLineAlarm finds the metric filter on the log group counting the lines
// msg, as slog's JSON handler writes them (what the functions log), and
// the alarm on its metric, Sum >= 1 over 5 minutes, and returns the
// alarm's id ("" with the test failed when either is missing).
func (o *opsTemplate) logLineAlarm(t *testing.T, group, msg string) string {
	t.Helper()
	var line, other strings.Builder
	slog.New(slog.NewJSONHandler(&line, nil)).Error(msg, "mql", "p_1-c1", "reason", "400 Bad Request")
	slog.New(slog.NewJSONHandler(&other, nil)).Warn("another line", "reason", msg)
	var filters, alarms []string
	for _, id := range o.ofType("AWS::Logs::MetricFilter") {
		p := get(o.resources[id], "Properties")
		pattern := scalar(get(p, "FilterPattern"))
		if ref(get(p, "LogGroupName")) != group || !filterMatches(t, pattern, line.String()) {
			continue
		}
		filters = append(filters, id)
		if filterMatches(t, pattern, other.String()) {
			t.Errorf("%s: pattern %q counts other lines than %q", id, pattern, msg)
		}
		mt := get(p, "MetricTransformations")
		if mt == nil || len(mt.Content) != 1 || scalar(get(mt.Content[0], "MetricValue")) != "1" {
			t.Errorf("%s: want one metric transformation counting 1 a line", id)
			continue
		}
		ns, name := sub(get(mt.Content[0], "MetricNamespace")), scalar(get(mt.Content[0], "MetricName"))
		if !strings.Contains(ns, "${AWS::StackName}") {
			t.Errorf("%s: namespace %q is every stack's: another stack's lines would page this one", id, ns)
		}
		for _, a := range o.ofType("AWS::CloudWatch::Alarm") {
			ap := get(o.resources[a], "Properties")
			if sub(get(ap, "Namespace")) != ns || scalar(get(ap, "MetricName")) != name {
				continue
			}
			alarms = append(alarms, a)
			if st, th, op, per := scalar(get(ap, "Statistic")), scalar(get(ap, "Threshold")), scalar(get(ap, "ComparisonOperator")), scalar(get(ap, "Period")); st != "Sum" || th != "1" || op != "GreaterThanOrEqualToThreshold" || per != "300" {
				t.Errorf("%s: %s %s %s over %s s, want Sum >= 1 over 300", a, st, op, th, per)
			}
		}
	}
	if len(filters) != 1 || len(alarms) != 1 {
		t.Errorf("%s: metric filters counting %q %v, alarms on them %v; want one of each", group, msg, filters, alarms)
		return ""
	}
	return alarms[0]
}

// codeSenders lists the roles whose code policy grants sqs:SendMessage on
// the queue (Lambda's on-failure destination is an event-source grant).
func (o *opsTemplate) codeSenders(queue string) []string {
	var out []string
	for _, id := range o.ofType("AWS::IAM::Role") {
		ps := get(o.resources[id], "Properties", "Policies")
		for _, p := range ps.Content {
			if scalar(get(p, "PolicyName")) != "code" {
				continue
			}
			for _, st := range get(p, "PolicyDocument", "Statement").Content {
				if getAtt(get(st, "Resource")) != queue+".Arn" {
					continue
				}
				for _, a := range get(st, "Action").Content {
					if a.Value == "sqs:SendMessage" {
						out = append(out, id)
					}
				}
			}
		}
	}
	return out
}

// filterMatches evaluates a CloudWatch Logs JSON filter pattern of the one
// form the template uses, { $.field = "text" }, on a log line.
func filterMatches(t *testing.T, pattern, line string) bool {
	t.Helper()
	m := regexp.MustCompile(`^\{\s*\$\.([A-Za-z_]+)\s*=\s*"([^"*]*)"\s*\}$`).FindStringSubmatch(pattern)
	if m == nil {
		t.Fatalf("filter pattern %q: not of the form { $.field = \"text\" } this test evaluates", pattern)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		t.Fatalf("log line %q: %v", line, err)
	}
	return rec[m[1]] == m[2]
}

// TestScoreFailuresWatchedWhileReplayable: a failed stream batch can be
// replayed while the stream keeps its records (24 hours): its alarm must
// fire well before that, not after a week.
func TestScoreFailuresWatchedWhileReplayable(t *testing.T) {
	o := loadOps(t)
	d, ok := o.heldAlarm(t, func(n *yaml.Node) bool { return getAtt(n) == "ScoreFailureQueue.QueueName" })
	if !ok || d > 12*time.Hour {
		t.Errorf("the score failure queue's letters held: alarm %v after %v, want one within 12 hours (the stream's records are gone at 24)", ok, d)
	}
}

// TestDeadLettersHeldAlarmsSurviveListing: the workspace lists a
// dead-letter queue by receiving its messages, and SQS leaves a message
// received three times out of ApproximateAgeOfOldestMessage: an alarm on
// a letter's age went quiet for good after three looks at the dashboard.
// No dead-letter queue is watched by that age; each has an alarm on its
// depth, waiting and being listed alike, at every hour of a window.
func TestDeadLettersHeldAlarmsSurviveListing(t *testing.T) {
	o := loadOps(t)
	for _, q := range []string{"PushDeadLetterQueue", "ScoreFailureQueue"} {
		isQ := func(n *yaml.Node) bool { return getAtt(n) == q+".QueueName" }
		if ids := o.alarmOn("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", isQ); len(ids) != 0 {
			t.Errorf("%s: watched by its oldest message's age (%v), which listing hides", q, ids)
		}
		if d, ok := o.heldAlarm(t, isQ); !ok || d < time.Hour {
			t.Errorf("%s: held-letters alarm %v over %v", q, ok, d)
		}
	}
}

// heldAlarm finds the alarm on a queue's letters held (waiting or in
// flight, as a listing leaves them) at every period of a window: metric
// math adding the two depths, each filled with 0, >= 1 on every period.
// It returns the window.
func (o *opsTemplate) heldAlarm(t *testing.T, isQ func(*yaml.Node) bool) (time.Duration, bool) {
	t.Helper()
	waiting := o.mathAlarmsOn(t, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", isQ)
	listed := o.mathAlarmsOn(t, "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", isQ)
	for _, w := range waiting {
		for _, l := range listed {
			if w.id != l.id || w.stat != "Maximum" || l.stat != "Maximum" || w.period != l.period || w.n != w.periods {
				continue
			}
			p := get(o.resources[w.id], "Properties")
			if scalar(get(p, "Threshold")) != "1" || scalar(get(p, "ComparisonOperator")) != "GreaterThanOrEqualToThreshold" {
				continue
			}
			ids := map[string]string{}
			for _, m := range get(p, "Metrics").Content {
				if name := scalar(get(m, "MetricStat", "Metric", "MetricName")); name != "" {
					ids[name] = scalar(get(m, "Id"))
				}
			}
			want := "FILL(" + ids["ApproximateNumberOfMessagesVisible"] + ", 0) + FILL(" + ids["ApproximateNumberOfMessagesNotVisible"] + ", 0)"
			if w.expr != strings.ReplaceAll(want, ids["ApproximateNumberOfMessagesVisible"], "$m") {
				continue
			}
			return time.Duration(w.period*w.periods) * time.Second, true
		}
	}
	return 0, false
}

// TestTableThrottlesWatched: a throttled table shows in no function's
// errors (collect answers 503, scoring retries): its throttle events have
// alarms of their own. Alarms on AWS/DynamoDB ignore missing data whatever
// TreatMissingData says, and throttle events are reported only while there
// are some, so the periods without are filled with 0: else the alarm stays
// in ALARM after one episode and the next notifies nobody.
func TestTableThrottlesWatched(t *testing.T) {
	o := loadOps(t)
	isTable := func(n *yaml.Node) bool { return ref(n) == "Table" }
	for _, metric := range []string{"ReadThrottleEvents", "WriteThrottleEvents"} {
		as := o.mathAlarmsOn(t, "AWS/DynamoDB", metric, "TableName", isTable)
		if len(as) != 1 {
			t.Errorf("%s: alarms %v, want one", metric, as)
			continue
		}
		if a := as[0]; a.expr != "FILL($m, 0)" || a.stat != "Sum" || a.n != a.periods {
			t.Errorf("%s: %s of %s, %d of %d periods; want FILL(<events>, 0) of the Sum, every period", a.id, a.expr, a.stat, a.n, a.periods)
		}
	}
}

// TestAPIAccessLog: what API Gateway answers itself (a throttle, a
// timeout, a crashed function's 500) is in no function's log, so the HTTP
// API keeps an access log, kept LogRetentionDays, with the request id and
// status and no personal data (address, path, query, user agent).
func TestAPIAccessLog(t *testing.T) {
	o := loadOps(t)
	for _, api := range o.ofType("AWS::Serverless::HttpApi") {
		al := get(o.resources[api], "Properties", "AccessLogSettings")
		if al == nil {
			t.Errorf("%s: no AccessLogSettings", api)
			continue
		}
		group := strings.TrimSuffix(getAtt(get(al, "DestinationArn")), ".Arn")
		if scalar(get(o.resources[group], "Type")) != "AWS::Logs::LogGroup" {
			t.Errorf("%s: access log destination %q is not a log group of the template", api, group)
		} else if ref(get(o.resources[group], "Properties", "RetentionInDays")) != "LogRetentionDays" {
			t.Errorf("%s: RetentionInDays is not !Ref LogRetentionDays", group)
		}
		f := scalar(get(al, "Format"))
		for _, want := range []string{"$context.requestId", "$context.status", "$context.routeKey", "$context.integrationErrorMessage"} {
			if !strings.Contains(f, want) {
				t.Errorf("%s: access log format lacks %s", api, want)
			}
		}
		for _, personal := range []string{"sourceIp", "path", "userAgent", "identity", "authorizer"} {
			if strings.Contains(f, "$context."+personal) || strings.Contains(f, "$context.http."+personal) || strings.Contains(f, "$context.identity."+personal) {
				t.Errorf("%s: access log format logs %s", api, personal)
			}
		}
	}
}

// TestHTTPFunctionsFitAPIGateway: API Gateway answers 503 after 30 s, so
// a function behind it that may run longer leaves its caller without an
// answer while it goes on; the admin function budgets its own 25 s
// (lambdahttp), the others must time out before 30 s themselves.
func TestHTTPFunctionsFitAPIGateway(t *testing.T) {
	o := loadOps(t)
	global := get(o.doc, "Globals", "Function", "Timeout")
	for _, fn := range o.ofType("AWS::Serverless::Function") {
		ev := get(o.resources[fn], "Properties", "Events")
		http := false
		for i := 1; ev != nil && i < len(ev.Content); i += 2 {
			http = http || scalar(get(ev.Content[i], "Type")) == "HttpApi"
		}
		if !http || fn == "AdminFunction" {
			continue
		}
		tn := get(o.resources[fn], "Properties", "Timeout")
		if tn == nil {
			tn = global
		}
		if to := atoi(t, tn, fn+" Timeout"); to >= 30 {
			t.Errorf("%s: Timeout %d s, past API Gateway's 30 s", fn, to)
		}
	}
	// A Salesforce outbound message carries up to 100 notifications and
	// HubSpot's reads may wait 10 s: feedback's time must hold more than one.
	tn := get(o.resources["FeedbackFunction"], "Properties", "Timeout")
	if tn == nil {
		tn = global
	}
	if to := atoi(t, tn, "FeedbackFunction Timeout"); to < 20 {
		t.Errorf("FeedbackFunction: Timeout %d s, want 20-29", to)
	}
}

// TestSecretsRevisionReachesCloudFront: CloudFormation reads a secret a
// resource names only when that resource changes, so the revision that
// restarts the functions after a changed secret must change the
// distribution too, or CloudFront keeps sending the old origin secret.
func TestSecretsRevisionReachesCloudFront(t *testing.T) {
	o := loadOps(t)
	d := get(o.resources["Distribution"], "Properties", "DistributionConfig")
	if c := sub(get(d, "Comment")); !strings.Contains(c, "${SecretsRevision}") {
		t.Errorf("the distribution's Comment %q does not name ${SecretsRevision}", c)
	}
	origins := get(d, "Origins")
	if origins == nil || !strings.Contains(sub(get(origins.Content[0], "OriginCustomHeaders").Content[0].Content[3]), "BATON_ORIGIN_SECRET") {
		t.Fatal("the distribution no longer sends the origin secret: this test is out of date")
	}
}

// TestReservedConcurrencyIsAParameter: reserving concurrency needs the
// account's quota (unreserved at least 100 after it): a new account's
// 10-50 failed the first deploy with the values fixed at 200 and 100, and
// with them as defaults too. None is reserved unless asked.
func TestReservedConcurrencyIsAParameter(t *testing.T) {
	o := loadOps(t)
	for fn, param := range map[string]string{"CollectFunction": "CollectConcurrency", "ClickFunction": "ClickConcurrency", "PushFunction": "ReservedConcurrency"} {
		if d := scalar(get(o.doc, "Parameters", param, "Default")); d != "0" {
			t.Errorf("parameter %s defaults to %s: a new account's first deploy fails reserving it", param, d)
		}
		rc := get(o.resources[fn], "Properties", "ReservedConcurrentExecutions")
		if rc == nil || rc.Tag != "!If" || len(rc.Content) != 3 || ref(rc.Content[1]) != param || ref(rc.Content[2]) != "AWS::NoValue" {
			t.Errorf("%s: ReservedConcurrentExecutions must be !If [..., !Ref %s, !Ref AWS::NoValue]", fn, param)
		}
		if get(o.doc, "Parameters", param) == nil {
			t.Errorf("no parameter %s", param)
		}
	}
}

// TestAdminRootRoute: the admin function is routed GET /admin/ besides
// /admin/{proxy+}, which needs a segment after /admin/. HTTP API route keys
// cannot end in "/", so the route is GET /admin, which API Gateway matches
// for /admin/ too (see the comment in template.yaml).
func TestAdminRootRoute(t *testing.T) {
	o := loadOps(t)
	var admin string
	for _, fn := range o.ofType("AWS::Serverless::Function") {
		if scalar(get(o.resources[fn], "Properties", "CodeUri")) == "build/admin/" {
			admin = fn
		}
	}
	if admin == "" {
		t.Fatal("no function with CodeUri build/admin/")
	}
	var routes []string
	ev := get(o.resources[admin], "Properties", "Events")
	for i := 1; ev != nil && i < len(ev.Content); i += 2 {
		p := get(ev.Content[i], "Properties")
		if scalar(get(ev.Content[i], "Type")) == "HttpApi" {
			routes = append(routes, scalar(get(p, "Method"))+" "+scalar(get(p, "Path")))
		}
	}
	if !slices.Contains(routes, "GET /admin") && !slices.Contains(routes, "ANY /admin") {
		t.Errorf("%s routes %v: no GET /admin (the route API Gateway serves /admin/ with)", admin, routes)
	}
	for _, r := range routes {
		if strings.HasSuffix(r, "/") {
			t.Errorf("%s: route %q ends in /, which an HTTP API cannot route", admin, r)
		}
	}
}

// TestWaf: the web ACL is CLOUDFRONT-scoped, exists only with HasWaf, has a
// rate-based rule limited by WafRateLimit, and is attached to the
// distribution under the same condition.
func TestWaf(t *testing.T) {
	o := loadOps(t)
	acls := o.ofType("AWS::WAFv2::WebACL")
	if len(acls) != 1 {
		t.Fatalf("%d WAFv2 web ACLs, want 1", len(acls))
	}
	acl := o.resources[acls[0]]
	if scalar(get(acl, "Condition")) != "HasWaf" || scalar(get(acl, "Properties", "Scope")) != "CLOUDFRONT" {
		t.Errorf("%s: want Condition HasWaf and Scope CLOUDFRONT", acls[0])
	}
	rules := get(acl, "Properties", "Rules")
	if rules == nil || len(rules.Content) != 1 || ref(get(rules.Content[0], "Statement", "RateBasedStatement", "Limit")) != "WafRateLimit" {
		t.Errorf("%s: want one rate-based rule limited by !Ref WafRateLimit", acls[0])
	}
	if d := get(o.doc, "Parameters", "EnableWaf", "Description"); !strings.Contains(scalar(d), "us-east-1") {
		t.Error("EnableWaf's description must say a CloudFront-scope web ACL needs us-east-1")
	}
	for _, id := range o.ofType("AWS::CloudFront::Distribution") {
		w := get(o.resources[id], "Properties", "DistributionConfig", "WebACLId")
		if w == nil || w.Tag != "!If" || len(w.Content) != 3 || w.Content[0].Value != "HasWaf" || getAtt(w.Content[1]) != acls[0]+".Arn" {
			t.Errorf("%s: WebACLId must be !If [HasWaf, !GetAtt %s.Arn, !Ref AWS::NoValue]", id, acls[0])
		}
	}
}

// TestCollectPreflightRoutes: the collector answers CORS preflights itself
// (the HTTP API has no CORS configuration), so each path a page posts to
// cross-origin is routed for OPTIONS too: the tag's /e, and the Segment
// API's /v1/{call}, which analytics.js and a page's own senders call.
func TestCollectPreflightRoutes(t *testing.T) {
	o := loadOps(t)
	routes := map[string]bool{}
	for _, fn := range o.ofType("AWS::Serverless::Function") {
		if scalar(get(o.resources[fn], "Properties", "CodeUri")) != "build/collect/" {
			continue
		}
		ev := get(o.resources[fn], "Properties", "Events")
		for i := 1; ev != nil && i < len(ev.Content); i += 2 {
			if p := get(ev.Content[i], "Properties"); scalar(get(ev.Content[i], "Type")) == "HttpApi" {
				routes[scalar(get(p, "Method"))+" "+scalar(get(p, "Path"))] = true
			}
		}
	}
	for _, path := range []string{"/e", "/v1/{call}"} {
		if !routes["POST "+path] || !routes["OPTIONS "+path] {
			t.Errorf("the collector's routes %v: want POST and OPTIONS %s", routes, path)
		}
	}
}

// TestClickRoutes: a tracked link reaches the click function with a slash
// after its token ({token+}) and with an ESP's empty merge field
// (/c/<link>/, which API Gateway serves with /c/{link}), GET and HEAD.
func TestClickRoutes(t *testing.T) {
	o := loadOps(t)
	routes := map[string]bool{}
	for _, fn := range o.ofType("AWS::Serverless::Function") {
		if scalar(get(o.resources[fn], "Properties", "CodeUri")) != "build/click/" {
			continue
		}
		ev := get(o.resources[fn], "Properties", "Events")
		for i := 1; ev != nil && i < len(ev.Content); i += 2 {
			if p := get(ev.Content[i], "Properties"); scalar(get(ev.Content[i], "Type")) == "HttpApi" {
				routes[scalar(get(p, "Method"))+" "+scalar(get(p, "Path"))] = true
			}
		}
	}
	for _, path := range []string{"/c/{link}/{token+}", "/c/{link}"} {
		if !routes["GET "+path] || !routes["HEAD "+path] {
			t.Errorf("the click function's routes %v: want GET and HEAD %s", routes, path)
		}
	}
}
