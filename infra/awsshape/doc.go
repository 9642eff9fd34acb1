// Package awsshape holds the end-to-end test of Baton's AWS shape on moto's
// server: API Gateway v2 events through the HTTP functions' adapters, the
// table's real DynamoDB stream (as moto holds it) converted to Lambda's
// stream records and filtered by template.yaml's own FilterCriteria, the
// score, push and sweep handlers of internal/lambdafn, and SQS queues.
// It has no code of its own besides the test.
package awsshape
