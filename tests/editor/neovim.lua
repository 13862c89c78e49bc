-- Run by tests/editor.rs: headless Neovim with its own LSP client and the config of
-- editors/nvim/takst.lua opens a rule file with a mistake, waits for the diagnostic,
-- asks for a hover and a definition, and writes what it got to $TAKST_OUT as JSON.

local result = { errors = {} }
local version = vim.version()
result.version = version.major .. '.' .. version.minor .. '.' .. version.patch

local function run()
  vim.g.takst_command = os.getenv('TAKST_BIN')
  dofile(os.getenv('TAKST_CONFIG'))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('TAKST_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype

  local started = vim.loop.hrtime()
  vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 10)
  result.diagnostic_ms = (vim.loop.hrtime() - started) / 1e6
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(result.diagnostics, {
      lnum = d.lnum, col = d.col, message = d.message, severity = d.severity,
      code = d.code or lsp.code,
    })
  end

  local function ask(method, line, col)
    vim.api.nvim_win_set_cursor(0, { line, col })
    local params = vim.lsp.util.make_position_params()
    return vim.lsp.buf_request_sync(buf, method, params, 20000) or {}
  end

  local function hover()
    local line = tonumber(os.getenv('TAKST_HOVER_LINE'))
    local col = tonumber(os.getenv('TAKST_HOVER_COL'))
    for _, reply in pairs(ask('textDocument/hover', line, col)) do
      if reply.result and reply.result.contents then
        return reply.result.contents.value or ''
      end
    end
    return ''
  end
  result.hover_with_mistake = hover()

  -- The quick fix of the diagnostic's "did you mean", applied as the editor applies it.
  result.fix = ''
  local first = vim.diagnostic.get(buf)[1]
  if first then
    vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
    local params = vim.lsp.util.make_range_params()
    -- (get_line_diagnostics is gone from later Neovims; takst lsp finds its fixes itself.)
    local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics
    params.context = { diagnostics = line_diagnostics and line_diagnostics(buf) or {} }
    for _, reply in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 20000) or {}) do
      local action = reply.result and reply.result[1]
      if action and action.edit then
        result.fix = action.title
        vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
      end
    end
  end
  vim.wait(30000, function() return #vim.diagnostic.get(buf) == 0 end, 10)
  result.diagnostics_after_fix = #vim.diagnostic.get(buf)
  result.hover = hover()

  result.definition = ''
  local def_line = tonumber(os.getenv('TAKST_DEFINITION_LINE'))
  local def_col = tonumber(os.getenv('TAKST_DEFINITION_COL'))
  for _, reply in pairs(ask('textDocument/definition', def_line, def_col)) do
    local found = reply.result and (reply.result[1] or reply.result)
    if found and found.uri then
      result.definition = found.uri .. ':' .. found.range.start.line
    end
  end
end

local ok, err = pcall(run)
if not ok then table.insert(result.errors, tostring(err)) end
local out = io.open(os.getenv('TAKST_OUT'), 'w')
out:write(vim.fn.json_encode(result))
out:close()
vim.cmd('qa!')
