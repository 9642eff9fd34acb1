// Command admin is the admin Lambda function: every /admin route behind the
// bearer token, on the API Gateway HTTP API. Dead letters are the SQS
// dead-letter queues' (push, and the score function's failures); erasure
// deletes a person's from the push DLQ (an MQA's is kept, redacted), and
// POST /admin/deadletters/purge empties it.
package main

import (
	"context"
	"os"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/lambdahttp"
)

func main() {
	app.Start(func(a *app.App) (any, error) {
		dead, err := deadletter.New(context.Background(), deadletter.Queues{
			Push: os.Getenv("BATON_PUSH_QUEUE_URL"), PushDLQ: os.Getenv("BATON_PUSH_DLQ_URL"), ScoreFailures: os.Getenv("BATON_SCORE_FAILURE_QUEUE_URL"),
		}, a.Table, a.Now) // the table holds the lease its readers take turns by
		if err != nil {
			return nil, err
		}
		if dead != nil { // unset: the table's queue, as locally
			a.Admin.Deliveries.Queue = dead
			a.Eraser.Register(dead) // erasure deletes the person's dead letters too
		}
		return lambdahttp.Adapter{Handler: a.AdminHandler()}.Handle, nil
	})
}
