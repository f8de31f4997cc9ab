; Keyholder's Windows installer (NSIS 3). Build it with packaging/build-windows.sh, which passes:
;   /DVERSION=<Cargo.toml version>  /DNUMERIC_VERSION=<x.y.z>  /DOUTFILE=<setup.exe>
;   /DBINARY=<keyholder.exe: the console program, for commands>
;   /DWINDOW_BINARY=<keyholder-window.exe: the window without a console, for the Start menu>
;
; - Installs for every user of the PC, into Program Files\Keyholder, with a Start-menu shortcut
;   and an entry in Settings > Apps (Add or remove programs). Needs an administrator.
; - Installing a newer version over an older one replaces the program and nothing else.
; - The school's data is not in Program Files: each Windows user's school file is in
;   %APPDATA%\Keyholder\data. The uninstaller keeps it unless the person removing Keyholder ticks
;   "Also delete the school's data" (silent: Uninstall.exe /S /REMOVEDATA).

Unicode true
SetCompressor /SOLID lzma

!include MUI2.nsh
!include nsDialogs.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include WordFunc.nsh
!include x64.nsh

!ifndef VERSION
  !error "Pass the version from Cargo.toml: makensis /DVERSION=x.y.z ..."
!endif
!ifndef NUMERIC_VERSION
  !define NUMERIC_VERSION "${VERSION}"
!endif
!ifndef BINARY
  !error "Pass the Windows build of Keyholder: makensis /DBINARY=path/to/keyholder.exe ..."
!endif
!ifndef WINDOW_BINARY
  !error "Pass the window program: makensis /DWINDOW_BINARY=path/to/keyholder-window.exe ..."
!endif
!ifndef OUTFILE
  !define OUTFILE "keyholder-${VERSION}-setup.exe"
!endif

!define APP "Keyholder"
!define PUBLISHER "Keyholder"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Keyholder"
!define APP_KEY "Software\Keyholder"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "${APP_KEY}" "InstallDir"
RequestExecutionLevel admin
; A file that cannot be replaced (Keyholder still open) stops with Retry/Cancel, never skips.
AllowSkipFiles off
BrandingText "${APP} ${VERSION}"

VIProductVersion "${NUMERIC_VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "LegalCopyright" "The Keyholder authors (MIT licence)"

!define MUI_ICON "..\icons\keyholder.ico"
!define MUI_UNICON "..\icons\keyholder.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "This will install ${APP} ${VERSION} for everyone who uses this PC.$\r$\n$\r$\nIf an older version is installed it is replaced. The school's data is kept: it is not stored with the program, and the new version brings it up to date the first time it opens it.$\r$\n$\r$\nClose ${APP} before you continue."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.DataPage un.DataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP} needs a 64-bit version of Windows."
    Abort
  ${EndIf}
  SetRegView 64
  ; Going back to an older version: its program cannot open a school file the newer one updated.
  ReadRegStr $0 HKLM "${APP_KEY}" "Version"
  ${If} $0 != ""
    ${VersionCompare} "$0" "${NUMERIC_VERSION}" $1
    ${If} $1 == 1
      MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 \
        "A newer version of ${APP} ($0) is installed. This older version ${VERSION} cannot open a school file that the newer one has already opened.$\r$\n$\r$\nInstall ${VERSION} anyway?" \
        /SD IDNO IDYES +2
      Abort
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "${APP}" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "/oname=keyholder.exe" "${BINARY}"
  File "/oname=keyholder-window.exe" "${WINDOW_BINARY}"
  File "/oname=keyholder.ico" "..\icons\keyholder.ico"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  ; Start menu, for every user of the PC.
  SetShellVarContext all
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\keyholder-window.exe" "" "$INSTDIR\keyholder.ico" 0

  WriteRegStr HKLM "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${APP_KEY}" "Version" "${NUMERIC_VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\keyholder.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

; ---- Uninstaller ---------------------------------------------------------------------------

Var RemoveData
Var RemoveDataBox

Function un.onInit
  SetRegView 64
  StrCpy $RemoveData 0
  ; Silent uninstall (deployment tools): keep the data unless /REMOVEDATA is given.
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} "$0" "/REMOVEDATA" $1
  ${IfNot} ${Errors}
    StrCpy $RemoveData 1
  ${EndIf}
FunctionEnd

Function un.DataPage
  !insertmacro MUI_HEADER_TEXT "The school's data" "Keep it, or delete it as well?"
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  SetShellVarContext current
  ${NSD_CreateLabel} 0 0 100% 60u "Removing ${APP} keeps the school's data, so that a new version can be installed later and carry on where this one stopped. It is in:$\r$\n$\r$\n    $APPDATA\${APP}$\r$\n$\r$\nOther Windows users on this PC have their own copy, which is always kept."
  Pop $0
  ${NSD_CreateCheckbox} 0 70u 100% 12u "Also delete the school's data for this Windows user (it cannot be undone)"
  Pop $RemoveDataBox
  ${NSD_CreateLabel} 0 88u 100% 24u "Only tick this if you have a backup you can restore, or the data is no longer needed."
  Pop $0
  nsDialogs::Show
FunctionEnd

Function un.DataPageLeave
  ${NSD_GetState} $RemoveDataBox $0
  ${If} $0 == ${BST_CHECKED}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 \
      "Delete the school's data in $APPDATA\${APP}? The school file and its key file will be gone for good." \
      IDYES +2
    Abort
    StrCpy $RemoveData 1
  ${Else}
    StrCpy $RemoveData 0
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$INSTDIR\keyholder.exe"
  Delete "$INSTDIR\keyholder-window.exe"
  Delete "$INSTDIR\keyholder.ico"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "${APP_KEY}"

  ${If} $RemoveData == 1
    SetShellVarContext current
    RMDir /r "$APPDATA\${APP}"
    DetailPrint "Deleted the school's data in $APPDATA\${APP}"
  ${Else}
    SetShellVarContext current
    DetailPrint "Kept the school's data in $APPDATA\${APP}"
  ${EndIf}
SectionEnd
