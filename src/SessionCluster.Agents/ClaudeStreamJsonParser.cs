using System.Text;
using System.Text.Json;
using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// Parses Claude Code's <c>--output-format stream-json --verbose</c> lines.
/// </summary>
/// <remarks>
/// One forward pass over the top-level object notes where the interesting values are (their keys come in any
/// order: a <c>result</c> line names its type near the end) and skips the rest without materializing it, so the
/// large <c>system/init</c> line (tool, skill and plugin lists) costs a scan and no allocations. Only the values
/// an event needs are decoded afterwards.
/// </remarks>
public sealed class ClaudeStreamJsonParser : IAgentOutputParser
{
    /// <summary>Claude's word for credentials the model API refused (in <c>api_retry</c> and in API error messages).</summary>
    public const string AuthenticationFailed = "authentication_failed";

    /// <summary>Claude's <c>api_error</c> when nothing answered (the server is down or unreachable).</summary>
    public const string ConnectionFailed = "connection_failed";

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    public void Parse(ReadOnlySpan<byte> line, ICollection<AgentEvent> events)
    {
        line = line.Trim(" \t\r\n"u8);
        if (line.IsEmpty)
        {
            return;
        }

        var before = events.Count;
        try
        {
            var fields = default(TopLevel);
            var problem = Scan(line, ref fields);
            if (problem is not null)
            {
                events.Add(Malformed(line, problem));
                return;
            }

            Dispatch(line, in fields, events);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            // The scan validates the line's JSON, so this is bad JSON, or a string that is not UTF-8 once unescaped.
            // A line is one thing or the other: drop the events it had already given.
            if (events is IList<AgentEvent> list)
            {
                while (list.Count > before)
                {
                    list.RemoveAt(list.Count - 1);
                }
            }

            events.Add(Malformed(line, $"not valid JSON: {e.Message}"));
        }
    }

    private static AgentMalformedLine Malformed(ReadOnlySpan<byte> line, string problem)
    {
        // The start of a line says what it was meant to be.
        var raw = line.Length > AgentMalformedLine.MaxRawChars ? line[..AgentMalformedLine.MaxRawChars] : line;
        return new AgentMalformedLine(Encoding.UTF8.GetString(raw), problem);
    }

    private static string? Scan(ReadOnlySpan<byte> line, ref TopLevel f)
    {
        var reader = new Utf8JsonReader(line, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "not a JSON object";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = TopLevelKey(PropertyName(ref reader));
            reader.Read();
            switch (key)
            {
                case Key.Type: f.Type = StringToken(ref reader); break;
                case Key.Subtype: f.Subtype = StringToken(ref reader); break;
                case Key.SessionId: f.SessionId = StringToken(ref reader); break;
                case Key.Message: f.Message = Value(ref reader); break;
                case Key.Model: f.Model = StringToken(ref reader); break;
                case Key.Cwd: f.Cwd = StringToken(ref reader); break;
                case Key.Error: f.Error = StringToken(ref reader); break;
                case Key.Result: f.Result = StringToken(ref reader); break;
                case Key.Usage: f.Usage = Value(ref reader); break;
                case Key.IsError: f.IsError = reader.TokenType == JsonTokenType.True; break;
                case Key.TotalCostUsd: f.Cost = ReadDecimal(ref reader); break;
                case Key.NumTurns: f.NumTurns = ReadInt(ref reader) ?? 0; break;
                case Key.PermissionDenials: f.PermissionDenials = CountItems(ref reader); break;
                case Key.Attempt: f.Attempt = ReadInt(ref reader) ?? 0; break;
                case Key.MaxRetries: f.MaxRetries = ReadInt(ref reader) ?? 0; break;
                case Key.RetryDelayMs: f.RetryDelayMs = ReadInt(ref reader) ?? 0; break;
                case Key.ErrorStatus: f.ErrorStatus = ReadInt(ref reader); break;
                case Key.ApiErrorStatus: f.ApiErrorStatus = ReadInt(ref reader); break;
                case Key.ApiError: f.ApiError = StringToken(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return "not a JSON object";
        }

        // Anything after the object (a second object, garbage) throws here.
        return reader.Read() ? "more than one JSON value on the line" : null;
    }

    private static void Dispatch(ReadOnlySpan<byte> line, in TopLevel f, ICollection<AgentEvent> events)
    {
        if (!f.Type.IsPresent)
        {
            events.Add(Malformed(line, "JSON object without a string \"type\""));
            return;
        }

        var type = f.Type.Bytes(line);
        if (type.SequenceEqual("\"assistant\""u8))
        {
            Assistant(line, in f, events);
        }
        else if (type.SequenceEqual("\"user\""u8))
        {
            User(line, in f, events);
        }
        else if (type.SequenceEqual("\"result\""u8))
        {
            events.Add(new AgentTurnResult(
                f.IsError,
                f.Subtype.Decode(line),
                f.Cost,
                Usage(line, f.Usage),
                f.NumTurns,
                f.PermissionDenials,
                f.Result.Decode(line),
                f.SessionId.Decode(line)));
        }
        else if (type.SequenceEqual("\"system\""u8))
        {
            SystemLine(line, in f, events);
        }
        else if (type.SequenceEqual("\"control_request\""u8))
        {
            events.Add((AgentEvent?)ClaudeControlLines.Request(line) ?? new AgentUnknown("control_request", Encoding.UTF8.GetString(line)));
        }
        else
        {
            events.Add(new AgentUnknown(f.Type.Decode(line) ?? string.Empty, Encoding.UTF8.GetString(line)));
        }
    }

    private static void SystemLine(ReadOnlySpan<byte> line, in TopLevel f, ICollection<AgentEvent> events)
    {
        var subtype = f.Subtype.Bytes(line);
        if (subtype.SequenceEqual("\"init\""u8) && f.SessionId.Decode(line) is { } sessionId)
        {
            events.Add(new AgentInit(sessionId, f.Model.Decode(line), f.Cwd.Decode(line)));
        }
        else if (subtype.SequenceEqual("\"api_retry\""u8))
        {
            var error = f.Error.Decode(line);
            events.Add(new AgentApiRetry(f.Attempt, f.MaxRetries, f.RetryDelayMs, f.ErrorStatus, error)
            {
                CredentialsRefused = error == AuthenticationFailed,
            });
        }
        else if (subtype.SequenceEqual("\"permission_denied\""u8) && ClaudeControlLines.Denied(line) is { } denied)
        {
            events.Add(denied);
        }
        else
        {
            var name = f.Subtype.Decode(line) is { } s ? $"system/{s}" : "system";
            events.Add(new AgentUnknown(name, Encoding.UTF8.GetString(line)));
        }
    }

    private static void Assistant(ReadOnlySpan<byte> line, in TopLevel f, ICollection<AgentEvent> events)
    {
        var content = MessageContent(line, f.Message);
        if (f.Error.Decode(line) is { } error)
        {
            // A message Claude made up to report an API failure: its text is the failure, not the model's answer.
            var text = new StringBuilder();
            ForEachBlock(line, content, (in Block b) =>
            {
                if (b.Is("text"u8))
                {
                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append(b.Text);
                }
            });
            var detail = f.ApiError.Decode(line);
            events.Add(new AgentApiError(error, text.ToString())
            {
                Status = f.ApiErrorStatus,
                Detail = detail,
                CredentialsRefused = error == AuthenticationFailed,
                NoAnswer = detail == ConnectionFailed,
            });
            return;
        }

        ForEachBlock(line, content, (in Block b) =>
        {
            if (b.Is("text"u8))
            {
                events.Add(new AgentText(b.Text ?? string.Empty));
            }
            else if (b.Is("thinking"u8))
            {
                events.Add(new AgentThinking(b.Thinking ?? string.Empty));
            }
            else if (b.Is("tool_use"u8) || b.Is("server_tool_use"u8))
            {
                events.Add(new AgentToolUse(b.Id ?? string.Empty, b.Name ?? string.Empty, b.InputJson ?? "{}"));
            }
            else
            {
                events.Add(new AgentUnknown($"assistant/{b.Type}", b.Raw));
            }
        });
    }

    private static void User(ReadOnlySpan<byte> line, in TopLevel f, ICollection<AgentEvent> events)
    {
        // A user message is the agent's own bookkeeping (tool results, "[Request interrupted by user]"):
        // only tool results are events; the prompts are ours already.
        var content = MessageContent(line, f.Message);
        ForEachBlock(line, content, (in Block b) =>
        {
            if (b.Is("tool_result"u8))
            {
                events.Add(new AgentToolResult(b.ToolUseId ?? string.Empty, b.Content ?? string.Empty, b.IsError));
            }
        });
    }

    /// <summary>Where the <c>content</c> array of a message object is, if it has one.</summary>
    private static JsonSlice MessageContent(ReadOnlySpan<byte> line, JsonSlice message)
    {
        if (!message.IsPresent)
        {
            return default;
        }

        var reader = new Utf8JsonReader(message.Bytes(line), ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = PropertyName(ref reader).SequenceEqual("content"u8);
            reader.Read();
            if (isContent && reader.TokenType == JsonTokenType.StartArray)
            {
                return Value(ref reader).Offset(message.Start);
            }

            reader.Skip();
        }

        return default;
    }

    private delegate void BlockAction(in Block block);

    private static void ForEachBlock(ReadOnlySpan<byte> line, JsonSlice content, BlockAction action)
    {
        if (!content.IsPresent)
        {
            return;
        }

        var bytes = content.Bytes(line);
        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        reader.Read(); // [
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var start = (int)reader.TokenStartIndex;
            var b = default(BlockFields);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = BlockKey(PropertyName(ref reader));
                reader.Read();
                switch (key)
                {
                    case Key.Type: b.Type = StringToken(ref reader); break;
                    case Key.Text: b.Text = StringToken(ref reader); break;
                    case Key.Thinking: b.Thinking = StringToken(ref reader); break;
                    case Key.Id: b.Id = StringToken(ref reader); break;
                    case Key.Name: b.Name = StringToken(ref reader); break;
                    case Key.Input: b.Input = Value(ref reader); break;
                    case Key.ToolUseId: b.ToolUseId = StringToken(ref reader); break;
                    case Key.Content: b.Content = Value(ref reader); break;
                    case Key.IsError: b.IsError = reader.TokenType == JsonTokenType.True; break;
                    default: reader.Skip(); break;
                }
            }

            var end = (int)reader.BytesConsumed;
            action(new Block(bytes, b, new JsonSlice(start, end - start)));
        }
    }

    private static TokenUsage Usage(ReadOnlySpan<byte> line, JsonSlice usage)
    {
        if (!usage.IsPresent)
        {
            return TokenUsage.Zero;
        }

        var reader = new Utf8JsonReader(usage.Bytes(line), ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return TokenUsage.Zero;
        }

        long input = 0, output = 0, cacheRead = 0, cacheCreation = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = PropertyName(ref reader);
            reader.Read();
            switch (name)
            {
                case var n when n.SequenceEqual("input_tokens"u8): input = ReadLong(ref reader); break;
                case var n when n.SequenceEqual("output_tokens"u8): output = ReadLong(ref reader); break;
                case var n when n.SequenceEqual("cache_read_input_tokens"u8): cacheRead = ReadLong(ref reader); break;
                case var n when n.SequenceEqual("cache_creation_input_tokens"u8): cacheCreation = ReadLong(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new TokenUsage(input, output, cacheRead, cacheCreation);
    }

    private enum Key
    {
        Other,
        Type,
        Subtype,
        SessionId,
        Message,
        Model,
        Cwd,
        Error,
        Result,
        Usage,
        IsError,
        TotalCostUsd,
        NumTurns,
        PermissionDenials,
        Attempt,
        MaxRetries,
        RetryDelayMs,
        ErrorStatus,
        ApiErrorStatus,
        ApiError,
        Text,
        Thinking,
        Id,
        Name,
        Input,
        ToolUseId,
        Content,
    }

    // Most names on a line are not ours: the length alone rules them out before any comparison.
    private static Key TopLevelKey(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => name.SequenceEqual("cwd"u8) ? Key.Cwd : Key.Other,
        4 => name.SequenceEqual("type"u8) ? Key.Type : Key.Other,
        5 => name.SequenceEqual("model"u8) ? Key.Model
            : name.SequenceEqual("error"u8) ? Key.Error
            : name.SequenceEqual("usage"u8) ? Key.Usage : Key.Other,
        6 => name.SequenceEqual("result"u8) ? Key.Result : Key.Other,
        7 => name.SequenceEqual("subtype"u8) ? Key.Subtype
            : name.SequenceEqual("message"u8) ? Key.Message
            : name.SequenceEqual("attempt"u8) ? Key.Attempt : Key.Other,
        8 => name.SequenceEqual("is_error"u8) ? Key.IsError : Key.Other,
        9 => name.SequenceEqual("num_turns"u8) ? Key.NumTurns
            : name.SequenceEqual("api_error"u8) ? Key.ApiError : Key.Other,
        10 => name.SequenceEqual("session_id"u8) ? Key.SessionId : Key.Other,
        11 => name.SequenceEqual("max_retries"u8) ? Key.MaxRetries : Key.Other,
        12 => name.SequenceEqual("error_status"u8) ? Key.ErrorStatus : Key.Other,
        14 => name.SequenceEqual("total_cost_usd"u8) ? Key.TotalCostUsd
            : name.SequenceEqual("retry_delay_ms"u8) ? Key.RetryDelayMs : Key.Other,
        16 => name.SequenceEqual("api_error_status"u8) ? Key.ApiErrorStatus : Key.Other,
        18 => name.SequenceEqual("permission_denials"u8) ? Key.PermissionDenials : Key.Other,
        _ => Key.Other,
    };

    private static Key BlockKey(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => name.SequenceEqual("id"u8) ? Key.Id : Key.Other,
        4 => name.SequenceEqual("type"u8) ? Key.Type
            : name.SequenceEqual("text"u8) ? Key.Text
            : name.SequenceEqual("name"u8) ? Key.Name : Key.Other,
        5 => name.SequenceEqual("input"u8) ? Key.Input : Key.Other,
        7 => name.SequenceEqual("content"u8) ? Key.Content : Key.Other,
        8 => name.SequenceEqual("thinking"u8) ? Key.Thinking
            : name.SequenceEqual("is_error"u8) ? Key.IsError : Key.Other,
        11 => name.SequenceEqual("tool_use_id"u8) ? Key.ToolUseId : Key.Other,
        _ => Key.Other,
    };

    /// <summary>The property name as UTF-8, unescaped (escaped names are rare enough to allocate for).</summary>
    private static ReadOnlySpan<byte> PropertyName(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;

    private static JsonSlice StringToken(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String
        ? new JsonSlice((int)reader.TokenStartIndex, (int)reader.BytesConsumed - (int)reader.TokenStartIndex)
        : Skipped(ref reader);

    private static JsonSlice Value(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new JsonSlice(start, (int)reader.BytesConsumed - start);
    }

    private static JsonSlice Skipped(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return default;
    }

    private static int CountItems(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            reader.Skip();
        }

        return count;
    }

    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return null;
        }

        return reader.TryGetInt32(out var value) ? value
            : reader.TryGetDouble(out var d) && d is >= int.MinValue and <= int.MaxValue ? (int)d
            : null;
    }

    private static long ReadLong(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : 0;

    private static decimal ReadDecimal(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            return 0m;
        }

        // Claude prints binary doubles (0.00014000000000000001): decimal reads them exactly enough.
        return reader.TryGetDecimal(out var value) ? value
            : reader.TryGetDouble(out var d) && Math.Abs(d) < (double)decimal.MaxValue ? (decimal)d
            : 0m;
    }

    /// <summary>Where a JSON value sits in the line: offsets only, decoded when an event needs it.</summary>
    private readonly record struct JsonSlice(int Start, int Length)
    {
        public bool IsPresent => Length > 0;

        public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> line) => IsPresent ? line.Slice(Start, Length) : default;

        public JsonSlice Offset(int by) => this with { Start = Start + by };

        /// <summary>The string this slice holds (a JSON string token, quotes included), unescaped.</summary>
        public string? Decode(ReadOnlySpan<byte> line)
        {
            if (!IsPresent)
            {
                return null;
            }

            var token = Bytes(line);
            if (token.IndexOf((byte)'\\') < 0)
            {
                return Encoding.UTF8.GetString(token[1..^1]);
            }

            var reader = new Utf8JsonReader(token);
            reader.Read();
            return reader.GetString();
        }
    }

    private struct TopLevel
    {
        public JsonSlice Type, Subtype, SessionId, Message, Model, Cwd, Error, Result, Usage, ApiError;
        public bool IsError;
        public decimal Cost;
        public int NumTurns, PermissionDenials, Attempt, MaxRetries, RetryDelayMs;
        public int? ErrorStatus, ApiErrorStatus;
    }

    private struct BlockFields
    {
        public JsonSlice Type, Text, Thinking, Id, Name, Input, ToolUseId, Content;
        public bool IsError;
    }

    /// <summary>One content block of a message, decoded on demand.</summary>
    private readonly ref struct Block(ReadOnlySpan<byte> array, BlockFields fields, JsonSlice whole)
    {
        private readonly ReadOnlySpan<byte> array = array;

        public bool Is(ReadOnlySpan<byte> type)
        {
            var token = fields.Type.Bytes(array);
            return token.Length == type.Length + 2 && token[1..^1].SequenceEqual(type);
        }

        public string Type => fields.Type.Decode(array) ?? string.Empty;

        public string? Text => fields.Text.Decode(array);

        public string? Thinking => fields.Thinking.Decode(array);

        public string? Id => fields.Id.Decode(array);

        public string? Name => fields.Name.Decode(array);

        public string? ToolUseId => fields.ToolUseId.Decode(array);

        public bool IsError => fields.IsError;

        public string? InputJson => fields.Input.IsPresent ? Encoding.UTF8.GetString(fields.Input.Bytes(array)) : null;

        public string Raw => Encoding.UTF8.GetString(whole.Bytes(array));

        /// <summary>A tool result's content: a string, or the text of its blocks (other blocks as "[type]").</summary>
        public string? Content
        {
            get
            {
                var bytes = fields.Content.Bytes(array);
                if (bytes.IsEmpty)
                {
                    return null;
                }

                var reader = new Utf8JsonReader(bytes, ReaderOptions);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return reader.TokenType == JsonTokenType.Null ? null : Encoding.UTF8.GetString(bytes);
                }

                var text = new StringBuilder();
                ForEachBlock(array, fields.Content, (in Block b) =>
                {
                    text.Append(text.Length > 0 ? "\n" : string.Empty);
                    text.Append(b.Is("text"u8) ? b.Text : $"[{b.Type}]");
                });
                return text.ToString();
            }
        }
    }
}
