-- Headless check of the DMA-BUF Lab language server through Neovim's built-in LSP client
-- (Neovim 0.7+: vim.lsp.start_client, no vim.lsp.start, no `nvim -l`).
-- Env: DMABUF_FILE (absolute path of a .dmabuf file), DMABUF_SERVER (command line),
--      DMABUF_EXPECT_CODE (diagnostic codes that must arrive, comma-separated), DMABUF_HOVER_LINE/COL (0-based),
--      DMABUF_HOVER_EXPECT (a Lua pattern the hover text must match).
-- Prints one JSON line on stdout; exits 0 on success, 1 on failure (via :cquit).
local file = assert(os.getenv('DMABUF_FILE'), 'DMABUF_FILE not set')
local cmd = vim.split(assert(os.getenv('DMABUF_SERVER'), 'DMABUF_SERVER not set'), ' ', { trimempty = true })
-- Comma-separated: every code must arrive.
local expect_codes = vim.split(os.getenv('DMABUF_EXPECT_CODE') or 'HANG-01', ',', { trimempty = true })
local hover_line = tonumber(os.getenv('DMABUF_HOVER_LINE') or '0')
local hover_col = tonumber(os.getenv('DMABUF_HOVER_COL') or '0')
local hover_expect = os.getenv('DMABUF_HOVER_EXPECT') or '.'
local v = vim.version()
local result = { ok = false, nvim = v.major .. '.' .. v.minor .. '.' .. v.patch }
local t0 = vim.loop.hrtime()
local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end

local function finish(code)
  result.ms = ms()
  io.stdout:write(vim.fn.json_encode(result) .. '\n')
  vim.cmd('cquit ' .. code)
end

local function code_of(d)
  if d.code ~= nil then return d.code end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code or nil
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'dmabuf' -- becomes the languageId in didOpen
  local client_id = vim.lsp.start_client({
    name = 'dmabuf-lab',
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    on_exit = function(code, signal) result.server_exit = { code = code, signal = signal } end,
  })
  assert(client_id, 'start_client failed')
  vim.lsp.buf_attach_client(bufnr, client_id)

  -- 1) diagnostics: front-end findings come at once, the engine's when it is done
  local function has_expected()
    local seen = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      local c = code_of(d)
      if c ~= nil then seen[c] = true end
    end
    for _, c in ipairs(expect_codes) do
      if not seen[c] then return false end
    end
    return true
  end
  vim.wait(20000, function() return has_expected() or result.server_exit ~= nil end, 20)
  result.diagnostics = vim.tbl_map(function(d)
    return { lnum = d.lnum, col = d.col, severity = d.severity, code = code_of(d), source = d.source, message = d.message }
  end, vim.diagnostic.get(bufnr))
  result.diagnostics_ms = ms()
  if not has_expected() then
    local want = table.concat(expect_codes, ', ')
    error(result.server_exit and 'server exited before publishing ' .. want or 'not all of ' .. want .. ' within 20 s')
  end

  -- 2) hover
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = hover_line, character = hover_col } }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 5000)
  assert(responses and responses[client_id], 'no hover response')
  assert(not responses[client_id].err, 'hover error: ' .. vim.inspect(responses[client_id].err))
  local contents = responses[client_id].result and responses[client_id].result.contents
  result.hover = contents and (contents.value or contents) or nil
  result.hover_ms = ms()
  assert(type(result.hover) == 'string' and result.hover:match(hover_expect), 'unexpected hover: ' .. vim.inspect(result.hover))

  -- 3) clean shutdown: shutdown request + exit notification, then the process goes
  vim.lsp.stop_client(client_id)
  if not vim.wait(5000, function() return vim.lsp.client_is_stopped(client_id) end, 20) then
    error('server did not stop within 5 s')
  end
  vim.wait(3000, function() return result.server_exit ~= nil end, 20)
  result.ok = true
end)
if not ok then result.error = tostring(err) end
finish(result.ok and 0 or 1)
