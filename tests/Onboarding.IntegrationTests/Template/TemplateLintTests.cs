namespace Onboarding.IntegrationTests.Template;

[Trait("Category", "Template")]
public sealed class TemplateLintTests
{
    [Fact]
    public void CfnLint_WithTheSamTransform_ReportsNoErrorsAndNoWarnings()
    {
        // cfn-lint exits 0 only when it found nothing at error or warning level (2 = error, 4 = warning).
        var (exitCode, stdout, stderr) = ExternalTool.Run("cfn-lint", [SamTemplate.TemplatePath]);

        Assert.True(exitCode == 0, $"cfn-lint exited {exitCode}:\n{stdout}\n{stderr}");
    }
}
