// The Lifecycle function. Its handlers are LifecycleFunction.HandleSqsAsync (SNS-via-SQS, partial batch
// responses) and LifecycleFunction.HandleEventBridgeAsync (aws.agreement-marketplace events).
// Wiring left for the merge, when these exist on main: the Lambda runtime loop of Onboarding.Lambda, the
// subscriber store (ISubscriptionStateStore), the onboarding actions (ILifecycleActions: ACLs, ACM PCA,
// Secrets Manager, final usage through MeteringJob.SendFinalUsageAsync) and a DLQ sender (IRejectedNotifications).
return 0;
