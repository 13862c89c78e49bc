-- takst in Neovim: the `takst` filetype for *.takst files, `#` comments, and the
-- language server (`takst lsp`) started for each rule file, without nvim-lspconfig.
--
-- Copy this file to ~/.config/nvim/plugin/takst.lua (or `dofile` it from init.lua).
-- `takst` must be on PATH; set `vim.g.takst_command` to use another binary.
-- Works with Neovim 0.7 (Debian 12) and later.

-- (vim.filetype.add alone is not read by Neovim 0.7 unless g:do_filetype_lua is set.)
vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  pattern = '*.takst',
  command = 'setfiletype takst',
})

-- Neovim 0.7 has no vim.lsp.start: one client per folder, attached by hand.
local clients = {}

local function start(buf)
  local file = vim.api.nvim_buf_get_name(buf)
  local config = {
    name = 'takst',
    cmd = { vim.g.takst_command or 'takst', 'lsp' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = buf })
    return
  end
  local id = clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'takst',
  callback = function(args)
    local buf = args.buf
    vim.bo[buf].commentstring = '# %s'
    vim.bo[buf].comments = ':#'
    vim.bo[buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
    local function map(keys, action)
      vim.keymap.set('n', keys, action, { buffer = buf })
    end
    map('K', vim.lsp.buf.hover)
    map('gd', vim.lsp.buf.definition)
    map('gr', vim.lsp.buf.references)
    map('<leader>ca', vim.lsp.buf.code_action)
    map('<leader>f', function()
      if vim.lsp.buf.format then vim.lsp.buf.format() else vim.lsp.buf.formatting() end
    end)
    start(buf)
  end,
})
