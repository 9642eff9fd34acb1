package awsshape

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// queues are the push queue, its dead-letter queue and the score
// function's on-failure queue, as template.yaml makes them.
type queues struct {
	pushURL, pushARN   string
	dlqURL, dlqARN     string
	scoreURL, scoreARN string
}

func createQueues(t *testing.T, c *sqs.Client, table string) queues {
	t.Helper()
	var q queues
	q.dlqURL, q.dlqARN = createQueue(t, c, table+"-push-dlq", nil)
	q.pushURL, q.pushARN = createQueue(t, c, table+"-push", map[string]string{
		"VisibilityTimeout": "360",
		"RedrivePolicy":     `{"deadLetterTargetArn":"` + q.dlqARN + `","maxReceiveCount":"400"}`,
	})
	q.scoreURL, q.scoreARN = createQueue(t, c, table+"-score-failures", nil)
	return q
}

// deployedApp is what every function builds at its cold start: the
// configuration from the environment (env, with the table, the admin token
// and the repository's rules), on the table, on the test's clock.
func deployedApp(t *testing.T, ctx context.Context, tbl *dynamotable.Table, clk *clock.Manual, env map[string]string) *app.App {
	t.Helper()
	env = maps.Clone(env)
	if env == nil {
		env = map[string]string{}
	}
	maps.Copy(env, map[string]string{
		"BATON_STORE": "dynamodb", "BATON_TABLE": tbl.Name(), "BATON_ADMIN_TOKEN": adminToken,
		"BATON_RULES": filepath.Join(repo.Root(t), "infra", "rules.yaml"),
	})
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Deployed)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, cfg, tbl, slog.New(slog.NewTextHandler(io.Discard, nil)), app.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// pushAndAdmin are the push function and the admin function on a, with the
// dead letters on SQS, wired as functions/push and functions/admin wire them.
func pushAndAdmin(a *app.App, c *sqs.Client, q queues, tbl *dynamotable.Table, clk *clock.Manual) (func(context.Context, events.SQSEvent) (events.SQSEventResponse, error), lambdahttp.Adapter) {
	pushFn := lambdafn.Push(a.Pusher, c, lambdafn.PushQueues{URL: q.pushURL, DeadLetterURL: q.dlqURL})
	store := &deadletter.Store{SQS: c, Queues: deadletter.Queues{Push: q.pushURL, PushDLQ: q.dlqURL, ScoreFailures: q.scoreURL}, T: tbl, Now: clk.Now}
	lambdafn.ReplayScoreFailures(a.Core, store)
	a.Admin.Deliveries.Queue = store
	a.Admin.Deliveries.Enqueue = lambdafn.PushEnqueue(store)
	return pushFn, lambdahttp.Adapter{Handler: a.AdminHandler()}
}
