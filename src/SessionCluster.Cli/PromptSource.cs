namespace SessionCluster.Cli;

/// <summary>The prompt of <c>launch</c>: exactly one of --prompt, --prompt-file (a path, or '-' for stdin) or the words after the options.</summary>
public static class PromptSource
{
    public static string Read(string? promptOption, string? promptFile, IReadOnlyList<string> words, CliContext context)
    {
        var given = (promptOption is not null ? 1 : 0) + (promptFile is not null ? 1 : 0) + (words.Count > 0 ? 1 : 0);
        if (given == 0)
        {
            throw CliFailure.Usage("launch needs a prompt: --prompt <text>, --prompt-file <file> or the prompt as argument");
        }

        if (given > 1)
        {
            throw CliFailure.Usage("give the prompt once: --prompt, --prompt-file or the prompt as argument, not several");
        }

        var prompt = promptOption ?? (promptFile is not null ? ReadFile(promptFile, context) : string.Join(' ', words));
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw CliFailure.Usage(promptFile is not null ? $"prompt file {promptFile} is empty" : "the prompt is empty");
        }

        return prompt;
    }

    private static string ReadFile(string promptFile, CliContext context)
    {
        if (promptFile == "-")
        {
            return context.In().ReadToEnd();
        }

        var path = Path.GetFullPath(promptFile, context.CurrentDirectory);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CliFailure.Usage($"prompt file not found: {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliFailure.Usage($"cannot read prompt file {path}: {e.Message}");
        }
    }
}
