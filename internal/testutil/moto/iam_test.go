package moto

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// TestIAMJudgesAsAWS: an IAMServer allows exactly what a user's policy
// grants, by action and resource, as AWS judges Baton's calls: the table
// and the secret named in the policy ('?' one character), the stream (its
// shard iterators too), each item of a
// TransactWriteItems by its own action, an SQS batch as its single
// operation; an unknown key is refused. Not checked: a statement's
// Condition (moto evaluates StringEquals on the request's own parameters
// only, and lets a condition it cannot evaluate pass), so a conditional
// grant applies as if unconditional, which AWS would not do.
func TestIAMJudgesAsAWS(t *testing.T) {
	srv := StartIAM(t)
	ctx := context.Background()
	admin := srv.Admin()
	arn := map[string]string{}
	for _, name := range []string{"granted", "other"} {
		out, err := dynamodb.NewFromConfig(admin).CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(name),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: ddbtypes.KeyTypeHash}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			StreamSpecification:  &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeNewImage},
		})
		if err != nil {
			t.Fatal(err)
		}
		arn[name] = aws.ToString(out.TableDescription.TableArn)
		arn[name+" stream"] = aws.ToString(out.TableDescription.LatestStreamArn)
	}
	q, err := sqs.NewFromConfig(admin).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := secretsmanager.NewFromConfig(admin).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("app/s"), SecretString: aws.String("{}")}); err != nil {
		t.Fatal(err)
	}
	user := srv.User(t, "fn", `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": "`+arn["granted"]+`"},
		{"Effect": "Allow", "Action": "dynamodb:Query", "Resource": "`+arn["granted"]+`", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
		{"Effect": "Allow", "Action": ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"], "Resource": "`+arn["granted stream"]+`"},
		{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/s-??????"},
		{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:q"}]}`)
	srv.Enforce(t)

	cfg := srv.Config(user)
	ddb, sm, sq := dynamodb.NewFromConfig(cfg), secretsmanager.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	key := map[string]ddbtypes.AttributeValue{"PK": &ddbtypes.AttributeValueMemberS{Value: "k"}}
	for _, c := range []struct {
		what    string
		allowed bool
		call    func() error
	}{
		{"GetItem on the granted table", true, func() error {
			_, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("granted"), Key: key})
			return err
		}},
		{"GetItem on another table", false, func() error {
			_, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("other"), Key: key})
			return err
		}},
		{"DeleteItem, not granted", false, func() error {
			_, err := ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("granted"), Key: key})
			return err
		}},
		{"TransactWriteItems of a Put", true, func() error {
			_, err := ddb.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{{Put: &ddbtypes.Put{TableName: aws.String("granted"), Item: key}}}})
			return err
		}},
		{"TransactWriteItems of a Put and a Delete", false, func() error {
			_, err := ddb.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{
				{Put: &ddbtypes.Put{TableName: aws.String("granted"), Item: map[string]ddbtypes.AttributeValue{"PK": &ddbtypes.AttributeValueMemberS{Value: "k2"}}}},
				{Delete: &ddbtypes.Delete{TableName: aws.String("granted"), Key: key}},
			}})
			return err
		}},
		{"Query, granted under a Condition moto cannot evaluate", true, func() error {
			_, err := ddb.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("granted"), KeyConditionExpression: aws.String("PK = :k"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":k": key["PK"]}})
			return err
		}},
		{"GetSecretValue by name, granted as name-??????", true, func() error {
			_, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/s")})
			return err
		}},
		{"SendMessageBatch, granted as sqs:SendMessage", true, func() error {
			_, err := sq.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q.QueueUrl, Entries: []sqstypes.SendMessageBatchRequestEntry{{Id: aws.String("1"), MessageBody: aws.String("m")}}})
			return err
		}},
		{"DeleteMessageBatch, not granted", false, func() error {
			_, err := sq.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: q.QueueUrl, Entries: []sqstypes.DeleteMessageBatchRequestEntry{{Id: aws.String("1"), ReceiptHandle: aws.String("h")}}})
			return err
		}},
		{"reading the granted table's stream", true, func() error {
			st := dynamodbstreams.NewFromConfig(cfg)
			d, err := st.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn["granted stream"])})
			if err != nil {
				return err
			}
			it, err := st.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn["granted stream"]), ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
			if err != nil {
				return err
			}
			_, err = st.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
			return err
		}},
		{"DescribeStream of another table's stream", false, func() error {
			_, err := dynamodbstreams.NewFromConfig(cfg).DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn["other stream"])})
			return err
		}},
		{"GetItem with a key moto does not know", false, func() error {
			_, err := DynamoDB(srv.Endpoint).GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("granted"), Key: key})
			return err
		}},
	} {
		err := c.call()
		var re *awshttp.ResponseError
		denied := errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden
		if c.allowed && err != nil || !c.allowed && !denied {
			t.Errorf("%s: %v, want allowed %v", c.what, err, c.allowed)
		}
	}

	var judged []string
	for _, j := range srv.Judged(t) {
		if j.User == "fn" {
			judged = append(judged, j.Action+" "+j.Resource+map[bool]string{true: " denied"}[j.Denied])
		}
	}
	want := []string{
		"dynamodb:GetItem " + arn["granted"],
		"dynamodb:GetItem " + arn["other"] + " denied",
		"dynamodb:DeleteItem " + arn["granted"] + " denied",
		"dynamodb:PutItem " + arn["granted"],
		"dynamodb:PutItem " + arn["granted"], "dynamodb:DeleteItem " + arn["granted"] + " denied",
		"dynamodb:Query " + arn["granted"],
	}
	if got := strings.Join(judged[:min(len(judged), len(want))], "\n"); got != strings.Join(want, "\n") {
		t.Errorf("judged:\n%s\nwant first:\n%s", strings.Join(judged, "\n"), strings.Join(want, "\n"))
	}
}
