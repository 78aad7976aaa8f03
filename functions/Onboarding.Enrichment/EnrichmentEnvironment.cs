namespace Onboarding.Enrichment;

/// <summary>Every environment variable the enrichment function reads (the SAM template sets them).</summary>
public static class EnrichmentEnvironment
{
    /// <summary>Brokers the enriched and dead-letter records are produced to (required).</summary>
    public const string BootstrapServers = "KAFKA_BOOTSTRAP_SERVERS";

    /// <summary>
    /// Secrets Manager secret with the function's own Kafka client certificate (<c>{"certificate","privateKey"}</c>,
    /// the format the MSK event source mapping reads too). When set, the producer uses TLS client authentication.
    /// </summary>
    public const string ClientCertificateSecretArn = "KAFKA_CLIENT_SECRET_ARN";

    /// <summary>librdkafka security.protocol for the producer: plaintext (default) or ssl.</summary>
    public const string SecurityProtocol = "ENRICHMENT_KAFKA_SECURITY_PROTOCOL";

    /// <summary>How long a produced record may wait for its delivery report, in ms (default 60000).</summary>
    public const string DeliveryTimeoutMs = "ENRICHMENT_DELIVERY_TIMEOUT_MS";

    /// <summary>Enriched topic template with {topic} and/or {symbol} (default "{topic}.enriched").</summary>
    public const string EnrichedTopicTemplate = "ENRICHED_TOPIC_TEMPLATE";

    /// <summary>Dead-letter topic template with {topic} (default "{topic}.dlq").</summary>
    public const string DeadLetterTopicTemplate = "ENRICHMENT_DLQ_TOPIC_TEMPLATE";

    /// <summary>Indicator threshold in percent (default 5).</summary>
    public const string ThresholdPercent = "ENRICHMENT_THRESHOLD_PERCENT";

    /// <summary>Per-feed thresholds by raw topic, e.g. "bars=5,trades=2.5".</summary>
    public const string TopicThresholds = "ENRICHMENT_TOPIC_THRESHOLDS";

    /// <summary>DynamoDB table of reference closes (required).</summary>
    public const string ReferenceTable = "REFERENCE_PRICES_TABLE";

    /// <summary>Endpoint override for DynamoDB (moto locally); falls back to AWS_ENDPOINT_URL.</summary>
    public const string DynamoDbEndpoint = "AWS_ENDPOINT_URL_DYNAMODB";

    public const string AwsEndpoint = "AWS_ENDPOINT_URL";

    public const string AwsRegion = "AWS_REGION";

    /// <summary>Local stack only: comma-separated raw topics the local poller consumes instead of the Lambda runtime loop.</summary>
    public const string PollTopics = "ENRICHMENT_POLL_TOPICS";

    /// <summary>Local poller: records per invocation (default 100, like the event source mapping).</summary>
    public const string PollBatchSize = "ENRICHMENT_POLL_BATCH_SIZE";

    /// <summary>Local poller: batching window in ms (default 500, like the MSK event source mapping).</summary>
    public const string PollBatchingWindowMs = "ENRICHMENT_POLL_BATCHING_WINDOW_MS";

    /// <summary>Local poller: consumer group (default "enrichment-local").</summary>
    public const string PollGroupId = "ENRICHMENT_POLL_GROUP_ID";
}
