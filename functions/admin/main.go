// Command admin is the admin Lambda function: every /admin route behind the
// bearer token, on the API Gateway HTTP API. Dead letters are the SQS
// dead-letter queues' (push, and the score function's failures); erasure
// deletes a person's from the push DLQ (an MQA's is kept, redacted),
// POST /admin/deadletters/purge empties it, and a score failure's replay
// scores its stream records again.
package main

import (
	"context"
	"os"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/sqsrelay"
)

func main() {
	app.Start(func(a *app.App) (any, error) {
		// Every queue is required: without the push DLQ the admin API
		// would list the table's (empty) queue, and an erasure would leave
		// the person's dead letters in SQS.
		var q deadletter.Queues
		for _, v := range []struct {
			name string
			dst  *string
		}{{"BATON_PUSH_QUEUE_URL", &q.Push}, {"BATON_PUSH_DLQ_URL", &q.PushDLQ}, {"BATON_SCORE_FAILURE_QUEUE_URL", &q.ScoreFailures}} {
			u, err := sqsrelay.QueueURL(os.Getenv, v.name)
			if err != nil {
				return nil, err
			}
			*v.dst = u
		}
		dead, err := deadletter.New(context.Background(), q, a.Table, a.Now) // the table holds the lease its readers take turns by
		if err != nil {
			return nil, err
		}
		lambdafn.ReplayScoreFailures(a.Core, dead)
		a.Admin.Deliveries.Queue = dead // dead letters, and a send to one connector, on SQS
		a.Admin.Deliveries.Enqueue = lambdafn.PushEnqueue(dead)
		a.Admin.MaxUpload = lambdahttp.MaxUpload // API Gateway refuses a larger request before the function runs
		a.Eraser.Register(dead)                  // erasure deletes the person's dead letters too
		return lambdahttp.Adapter{Handler: a.AdminHandler()}.Handle, nil
	})
}
