using Onboarding.Aws.Kafka;
using Onboarding.Aws.KafkaAcl;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;

namespace Onboarding.Aws.Onboarding;

/// <summary>
/// The production <see cref="IKafkaAclWriter"/>: on first use it reads the provider's admin certificate from Secrets
/// Manager (when configured), builds the Confluent.Kafka admin client and delegates to
/// <see cref="ConfluentKafkaAclWriter"/>. Nothing touches the network before the first ACL call.
/// </summary>
public sealed class SecretKafkaAclWriter(IAmazonSecretsManager secrets, string bootstrapServers, string? adminSecretArn) : IKafkaAclWriter, IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private Confluent.Kafka.IAdminClient? admin;
    private ConfluentKafkaAclWriter? writer;

    public async Task<IReadOnlyList<AclRule>> DescribeAsync(KafkaPrincipal principal, CancellationToken cancellationToken = default) =>
        await (await WriterAsync(cancellationToken)).DescribeAsync(principal, cancellationToken);

    public async Task ApplyAsync(AclChange change, CancellationToken cancellationToken = default) =>
        await (await WriterAsync(cancellationToken)).ApplyAsync(change, cancellationToken);

    public void Dispose()
    {
        admin?.Dispose();
        gate.Dispose();
    }

    private async Task<ConfluentKafkaAclWriter> WriterAsync(CancellationToken cancellationToken)
    {
        if (writer is not null)
        {
            return writer;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (writer is null)
            {
                var certificate = string.IsNullOrWhiteSpace(adminSecretArn)
                    ? null
                    : await KafkaClientCertificate.LoadAsync(secrets, adminSecretArn, cancellationToken);

                admin = KafkaAdminClientFactory.Create(new KafkaAdminOptions
                {
                    BootstrapServers = bootstrapServers,
                    CertificatePem = certificate?.CertificatePem,
                    PrivateKeyPem = certificate?.PrivateKeyPem,
                });
                writer = new ConfluentKafkaAclWriter(admin);
            }

            return writer;
        }
        finally
        {
            gate.Release();
        }
    }
}
