; Included into electron-builder's NSIS installer (nsis.include in electron-builder.yml), which runs
; elevated because the install is per machine.

!macro customInstall
  ; The machine-wide configuration, C:\ProgramData\CareDesk\workstation.json (the path the desk reads,
  ; electron/main/workstationConfig.ts), must be one users cannot write: ProgramData lets every user
  ; create files, and a user who could write workstation.json could switch updates off or point the
  ; desk at another server. So the installer makes the folder with its inherited rights replaced:
  ; SYSTEM and Administrators full control, Users read only (SIDs, so a localised Windows agrees).
  ; An existing folder and the file IT or MDM put in it are kept; the uninstaller leaves both.
  CreateDirectory "C:\ProgramData\CareDesk"
  Push $0
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "C:\ProgramData\CareDesk" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX'
  ; icacls' exit code, then the saved $0
  Pop $0
  Pop $0
!macroend
