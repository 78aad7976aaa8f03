using System.IO.Compression;
using System.Text;
using Onboarding.Aws.Onboarding;
using Onboarding.Core.QuickStart;

namespace Onboarding.Api.Onboarding;

/// <summary>The credentials download: certificate, CA chain, the generated key (first download only) and ready-made client settings.</summary>
public static class CredentialsZip
{
    public static byte[] Build(CredentialsBundle bundle, QuickStartInput input)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, QuickStartKit.CertificateFile, bundle.CertificatePem);
            Add(zip, QuickStartKit.ChainFile, bundle.ChainPem);
            if (bundle.PrivateKeyPem is { } key)
            {
                Add(zip, QuickStartKit.PrivateKeyFile, key);
            }

            Add(zip, QuickStartKit.JavaPropertiesFile, QuickStartKit.JavaClientProperties(input));
            Add(zip, QuickStartKit.LibrdkafkaFile, QuickStartKit.LibrdkafkaConfig(input));
            Add(zip, QuickStartKit.ReadmeFile, QuickStartKit.Readme(input));
        }

        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
